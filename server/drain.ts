import { type Clock, Timer } from '../protocol/clock';
import type { RetryHint } from '../protocol/wire';

/** How `close()` lets the sockets go, for a restart that should not bring a storm back. */
export interface DrainOptions {
  /**
   * Milliseconds over which the sockets are closed, evenly: a load balancer moves them to
   * the other nodes a few at a time. Default 0: all at once (their return is still spread
   * over `returnWithin`).
   */
  drain?: number;
  /**
   * Milliseconds over which each worker spreads its return, told in the close reason
   * (a `RetryHint`). Default 10000.
   */
  returnWithin?: number;
}

/** The close code of a drained socket: "service restart". */
export const CLOSE_SERVICE_RESTART = 1012;
export const DEFAULT_RETURN_WITHIN = 10_000;
/** How often the drain closes the next share of the sockets. */
const DRAIN_TICK_MS = 100;

/** What the drain closes: a socket of the server. */
export interface Drainable {
  shut(code: number, reason: string): void;
}

/**
 * Closes `sockets` with 1012 and a retry hint, spread evenly over `drain` ms on `clock`:
 * by time t, the first ⌈n·t/drain⌉ of them. Its one timer is cleared once the last one is
 * closed, which is when the returned promise resolves.
 */
export function drainSockets(
  sockets: readonly Drainable[],
  options: DrainOptions,
  clock: Clock,
): Promise<void> {
  const window = options.drain ?? 0;
  const reason = JSON.stringify(retryHint(options));
  const start = clock.now();
  const timer = new Timer(clock);
  let closed = 0;
  return new Promise((resolve) => {
    const closeDue = (): void => {
      const elapsed = clock.now() - start;
      const due =
        elapsed >= window ? sockets.length : Math.ceil((sockets.length * elapsed) / window);
      for (; closed < due; closed++) sockets[closed]?.shut(CLOSE_SERVICE_RESTART, reason);
      if (closed < sockets.length) {
        timer.start(Math.min(DRAIN_TICK_MS, window - elapsed), closeDue);
      } else {
        resolve();
      }
    };
    closeDue();
  });
}

/** What a drained socket, or an upgrade during the drain, is told. */
export function retryHint(options: DrainOptions): RetryHint {
  return { $ts: 'retry', after: 0, within: options.returnWithin ?? DEFAULT_RETURN_WITHIN };
}
