import type { RetryHint } from '../../protocol/wire';

/** Service restart: the server drains its sockets (a deploy, a graceful `close()`). */
export const CLOSE_SERVICE_RESTART = 1012;
/** Try again later: the server is overloaded, or it limits the rate of handshakes. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * A hint longer than this is taken as this: a misconfigured server must not strand its
 * workers for hours. Five minutes is longer than any drain a deploy waits for.
 */
export const MAX_HINT_MS = 5 * 60_000;

/** The closes after which the worker waits as the server asks instead of retrying soon. */
export function isAdmissionClose(code: number): boolean {
  return code === CLOSE_SERVICE_RESTART || code === CLOSE_TRY_AGAIN_LATER;
}

/**
 * The `RetryHint` in a close reason, or undefined when the reason is no such frame (a
 * server of an earlier build, a proxy's own close, or a reason written by the app).
 */
export function readRetryHint(reason: string): RetryHint | undefined {
  if (!reason.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(reason);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { $ts, after, within } = parsed as Record<string, unknown>;
  if ($ts !== 'retry' || !isDuration(after) || !isDuration(within)) return undefined;
  return { $ts, after: Math.min(after, MAX_HINT_MS), within: Math.min(within, MAX_HINT_MS) };
}

function isDuration(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
