/**
 * A number of the wire (`seq`, `last`, `id`): a safe non-negative integer. Anything else is
 * refused on both ends: a seq of 2^53 could never be followed, a negative one never reached.
 */
export function isWireNumber(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
