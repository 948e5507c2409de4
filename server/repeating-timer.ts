import { type Clock, Timer } from '../protocol/clock';

/**
 * Runs `tick` every `ms` until stopped, as `setInterval` would, on an injected clock: one
 * `Timer`, re-armed just before each tick, so a tick may stop it and leave nothing pending.
 */
export class RepeatingTimer {
  readonly #timer: Timer;
  readonly #ms: number;
  readonly #tick: () => void;

  constructor(clock: Clock, ms: number, tick: () => void) {
    this.#timer = new Timer(clock);
    this.#ms = ms;
    this.#tick = tick;
  }

  get running(): boolean {
    return this.#timer.pending;
  }

  /** Starts ticking, the first tick `ms` from now; does nothing while running. */
  start(): void {
    if (!this.running) this.#arm();
  }

  stop(): void {
    this.#timer.clear();
  }

  readonly #arm = (): void => {
    this.#timer.start(this.#ms, () => {
      this.#arm();
      this.#tick();
    });
  };
}
