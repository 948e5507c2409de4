import type { MessageOrigin } from './wire';

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

/**
 * Where a message was written: a session id and a message id of it, 1 or more (a `msg`'s
 * `was` and `also`, a tab's send `wire` and its `before`). Other fields are not looked at.
 */
export function isMessageOrigin(value: unknown): value is MessageOrigin {
  if (typeof value !== 'object' || value === null) return false;
  const { session, id } = value as Record<string, unknown>;
  return isSessionId(session) && isWireNumber(id) && id >= 1;
}

/**
 * Where a message was written before (`WireId.before`): at most `MAX_ALSO` + 1 origins,
 * oldest first. `Array.from`: `every` skips a sparse list's holes (review 18d).
 */
export function isWrittenBefore(value: unknown): value is MessageOrigin[] {
  return (
    Array.isArray(value) && value.length <= MAX_ALSO + 1 && Array.from(value).every(isMessageOrigin)
  );
}
