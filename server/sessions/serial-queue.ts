import { isPromise, type MaybePromise } from '../stores/maybe-promise';

/**
 * Runs tasks one after the other, in the order they are given. A task given while none is
 * pending runs at once, and a synchronous answer stays synchronous: with the in-memory stores
 * nothing ever waits for a microtask. Only once a task answers a promise do the next ones
 * wait for it, so a remote store keeps the order of one session's pushes and frames.
 *
 * A task's failure is its caller's to handle (the promise `run` answers rejects); the tasks
 * after it run all the same.
 */
export class SerialQueue {
  /** Settles when the last task given has; undefined when none is pending. */
  #tail: Promise<void> | undefined;
  /** Tasks given and not yet settled. */
  #pending = 0;

  /** Whether no task is pending: the next one runs at once. */
  get idle(): boolean {
    return this.#tail === undefined;
  }

  /** Tasks given and not yet settled: what a caller bounds when the store is slow. */
  get pending(): number {
    return this.#pending;
  }

  run<T>(task: () => MaybePromise<T>): MaybePromise<T> {
    const tail = this.#tail;
    if (tail === undefined) {
      const result = task();
      if (isPromise(result)) this.#track(result);
      return result;
    }
    const next = tail.then(task);
    this.#track(next);
    return next;
  }

  /** Resolves once every task given so far has settled. */
  settled(): Promise<void> {
    return this.#tail ?? Promise.resolve();
  }

  #track(promise: Promise<unknown>): void {
    this.#pending += 1;
    const settled = promise.then(
      () => {
        this.#pending -= 1;
      },
      () => {
        this.#pending -= 1;
      },
    );
    this.#tail = settled;
    void settled.then(() => {
      if (this.#tail === settled) this.#tail = undefined;
    });
  }
}
