import { type Clock, MAX_TIMER_DELAY, Timer } from '../../protocol/clock';
import { nodeClock } from '../node-clock';
import type { HeartbeatGate } from './heartbeat-answers';

/** What a suspension needs of a server: its one heartbeat gate. */
export interface GatedServer {
  setHeartbeatGate(gate: HeartbeatGate | undefined): void;
}

/**
 * Fault injection, for demos and tests of client timeouts, on top of the server's heartbeat
 * gate: for `ms` milliseconds heartbeat pings are still read and counted but not answered,
 * as by a server that hangs while its sockets stay open. Other frames and pushes are
 * unaffected, and any frame counts as life to the client, so to make its heartbeat expire
 * the app must go quiet too. A later call replaces the earlier one (and any other gate); `0`
 * answers again at once; `server.close()` ends it. Throws a RangeError for an `ms` that is
 * not an integer from 0 to 2^31-1, and once the server is closed.
 *
 * Not part of the server class: an app that never injects faults never loads this.
 */
export function suspendHeartbeatAnswers(server: GatedServer, ms: number): void {
  suspendOn(nodeClock, server, ms);
}

/** `suspendHeartbeatAnswers` on the given clock (tests drive it with a fake one). */
export function suspendOn(clock: Clock, server: GatedServer, ms: number): void {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_TIMER_DELAY) {
    throw new RangeError(
      `Invalid ms: expected an integer from 0 to ${MAX_TIMER_DELAY}, got ${String(ms)}`,
    );
  }
  if (ms === 0) {
    server.setHeartbeatGate(undefined);
    return;
  }
  // The suspension owns its timer; the server releases the gate on close or replacement,
  // which clears it, and its end removes the gate.
  const end = new Timer(clock);
  server.setHeartbeatGate({ shouldAnswer: () => false, release: () => end.clear() });
  end.start(ms, () => server.setHeartbeatGate(undefined));
}
