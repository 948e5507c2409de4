import { type Clock, Timer } from '../../protocol/clock';

/**
 * A wait for an answer that may never come: `promise` resolves on `settle()`, or after
 * `within` ms, whichever is first. It owns its timer; `settle` clears it.
 */
export class AnswerWait {
  readonly #timer: Timer;
  #pending: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(clock: Clock) {
    this.#timer = new Timer(clock);
  }

  /** Undefined while no wait runs. */
  get promise(): Promise<void> | undefined {
    return this.#pending?.promise;
  }

  start(within: number): void {
    this.settle();
    let resolve = (): void => {};
    const promise = new Promise<void>((settle) => {
      resolve = settle;
    });
    this.#pending = { promise, resolve };
    this.#timer.start(within, () => this.settle());
  }

  settle(): void {
    this.#timer.clear();
    this.#pending?.resolve();
    this.#pending = undefined;
  }
}
