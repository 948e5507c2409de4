/** A set of callbacks where one that throws cannot keep the others from running. */
export class Listeners<Args extends unknown[]> {
  readonly #callbacks = new Set<(...args: Args) => void>();

  get size(): number {
    return this.#callbacks.size;
  }

  add(callback: (...args: Args) => void): () => void {
    this.#callbacks.add(callback);
    return () => {
      this.#callbacks.delete(callback);
    };
  }

  emit(...args: Args): void {
    for (const callback of [...this.#callbacks]) {
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
