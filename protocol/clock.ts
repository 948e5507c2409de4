/** The time source and timers, injected so that tests drive them with fake timers. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** setTimeout's own ceiling: a longer delay fires at once. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * One timer with one owner: `start` replaces whatever was pending, `clear` forgets it, and
 * no handle is ever dropped. The callback runs only once the clock has reached the
 * deadline: a timer that fires early or was clamped to `MAX_TIMER_DELAY` waits again for
 * the rest, so the deadline is the clock's, not the timer queue's.
 */
export class Timer {
  #handle: unknown;
  #deadline = 0;

  constructor(private readonly clock: Clock) {}

  get pending(): boolean {
    return this.#handle !== undefined;
  }

  start(ms: number, callback: () => void): void {
    this.clear();
    this.#deadline = this.clock.now() + ms;
    this.#arm(ms, callback);
  }

  clear(): void {
    if (this.#handle === undefined) return;
    this.clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #arm(ms: number, callback: () => void): void {
    this.#handle = this.clock.setTimeout(
      () => {
        const remaining = this.#deadline - this.clock.now();
        if (remaining > 0) {
          this.#arm(remaining, callback);
          return;
        }
        this.#handle = undefined;
        callback();
      },
      Math.min(Math.max(ms, 0), MAX_TIMER_DELAY),
    );
  }
}
