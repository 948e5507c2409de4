import type { Clock } from '../protocol/clock';

/**
 * The server's default clock: the system's, except that none of its timers keeps the
 * process alive. Every server timer is a deadline or a sweep over sockets, and the sockets
 * themselves keep the process up: a health check must not keep it up on its own. This is
 * the one place where a server timer is unref'd.
 */
export const nodeClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
