/**
 * A number of the wire (`seq`, `last`, `id`): a safe non-negative integer. Anything else is
 * refused on both ends: a seq of 2^53 could never be followed, a negative one never reached.
 */
export function isWireNumber(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Longer session ids are refused on both ends: each session is kept in memory for a while. */
export const MAX_SESSION_ID = 128;

/** The most sessions a `msg`'s `also` names: a worker keeps the latest (see `MessageFrame`). */
export const MAX_ALSO = 4;

/** A session id of the wire: 1 to `MAX_SESSION_ID` characters. */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_SESSION_ID;
}
