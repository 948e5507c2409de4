/**
 * A set of callbacks where one that throws cannot keep the others from running. Adds are
 * counted: a callback added twice (two components sharing one function) runs once per
 * event, and stays until each of its removers ran; a remover takes back its own add only.
 */
export class Listeners<Args extends unknown[]> {
  /** Callback → how many adds hold it. */
  readonly #callbacks = new Map<(...args: Args) => void, number>();

  /** Distinct callbacks. */
  get size(): number {
    return this.#callbacks.size;
  }

  add(callback: (...args: Args) => void): () => void {
    this.#callbacks.set(callback, (this.#callbacks.get(callback) ?? 0) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const count = this.#callbacks.get(callback) ?? 0;
      if (count > 1) this.#callbacks.set(callback, count - 1);
      else this.#callbacks.delete(callback);
    };
  }

  emit(...args: Args): void {
    for (const callback of [...this.#callbacks.keys()]) {
      try {
        callback(...args);
      } catch (error) {
        // An app handler's bug must not cost the other handlers their events; it still
        // surfaces as an uncaught error, as it would from an EventTarget.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
