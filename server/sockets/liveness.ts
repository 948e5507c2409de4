import { type Clock, Timer } from '../../protocol/clock';
import type { LivenessOptions } from '../options';
import { RepeatingTimer } from '../repeating-timer';

/** A socket as the liveness monitor sees it. */
export interface LivenessTarget {
  /** Sends a protocol-level ping frame; the peer's stack answers it without app code. */
  ping(): void;
  /** Drops the socket without a close handshake: the peer is not there to answer one. */
  terminate(): void;
}

/**
 * The ws README's "detect broken connections" recipe with a deadline: every `interval` each
 * socket is pinged, and `timeout` later those that have not answered are terminated.
 * A socket that goes quiet right after answering is pinged at most `interval` later, so it
 * is dropped within `interval + timeout`.
 *
 *   sweep ── ping all ──┬── timeout ──> terminate the silent
 *   |<────────────── interval ───────────────>| sweep ...
 *
 * It owns two timers, the sweep and the deadline; `stop()` clears both.
 */
export class LivenessMonitor<Target extends LivenessTarget> {
  readonly #timeout: number;
  readonly #targets: () => Iterable<Target>;
  /** Pinged in the current sweep and silent since. */
  readonly #awaiting = new Set<Target>();
  readonly #sweep: RepeatingTimer;
  readonly #deadline: Timer;

  constructor(options: LivenessOptions, targets: () => Iterable<Target>, clock: Clock) {
    this.#timeout = options.timeout;
    this.#targets = targets;
    this.#sweep = new RepeatingTimer(clock, options.interval, () => this.#pingAll());
    this.#deadline = new Timer(clock);
  }

  start(): void {
    this.#sweep.start();
  }

  stop(): void {
    this.#sweep.stop();
    this.#deadline.clear();
    this.#awaiting.clear();
  }

  /**
   * The peer answered a ping: its stack reads what we send. Other frames prove nothing of
   * the kind (a client that sends but never reads would pass), so only pongs count.
   */
  markAlive(target: Target): void {
    this.#awaiting.delete(target);
  }

  /** The socket closed: nothing to wait for. */
  forget(target: Target): void {
    this.#awaiting.delete(target);
  }

  #pingAll(): void {
    // With timeout === interval the deadline may still be pending: settle it first, or the
    // sockets it would drop get a second chance.
    if (this.#deadline.pending) {
      this.#deadline.clear();
      this.#expire();
    }
    for (const target of this.#targets()) {
      this.#awaiting.add(target);
      target.ping();
    }
    this.#deadline.start(this.#timeout, () => this.#expire());
  }

  #expire(): void {
    const silent = Array.from(this.#awaiting);
    this.#awaiting.clear();
    for (const target of silent) target.terminate();
  }
}
