import type { LivenessOptions } from './options';

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
 */
export class LivenessMonitor<Target extends LivenessTarget> {
  readonly #options: LivenessOptions;
  readonly #targets: () => Iterable<Target>;
  /** Pinged in the current sweep and silent since. */
  readonly #awaiting = new Set<Target>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;

  constructor(options: LivenessOptions, targets: () => Iterable<Target>) {
    this.#options = options;
    this.#targets = targets;
  }

  start(): void {
    if (this.#sweepTimer) return;
    this.#sweepTimer = setInterval(() => this.#sweep(), this.#options.interval);
    // The sockets keep the process alive; a health check must not keep it up on its own.
    this.#sweepTimer.unref();
  }

  stop(): void {
    this.#clearSweepTimer();
    this.#clearDeadlineTimer();
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

  #sweep(): void {
    // With timeout === interval the deadline may still be pending: settle it first, or the
    // sockets it would drop get a second chance.
    if (this.#deadlineTimer !== undefined) {
      this.#clearDeadlineTimer();
      this.#expire();
    }
    for (const target of this.#targets()) {
      this.#awaiting.add(target);
      target.ping();
    }
    this.#deadlineTimer = setTimeout(() => this.#expire(), this.#options.timeout);
    this.#deadlineTimer.unref();
  }

  #expire(): void {
    this.#deadlineTimer = undefined;
    const silent = Array.from(this.#awaiting);
    this.#awaiting.clear();
    for (const target of silent) target.terminate();
  }

  #clearSweepTimer(): void {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }

  #clearDeadlineTimer(): void {
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
  }
}
