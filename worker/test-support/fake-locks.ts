export type LockMode = 'exclusive' | 'shared';

/** `navigator.locks.request`'s two call shapes, `(name, callback)` and `(name, options, callback)`, as one. */
export function lockRequest(
  optionsOrCallback: { mode?: LockMode; signal?: AbortSignal } | (() => unknown),
  maybeCallback?: () => unknown,
): { options: { mode?: LockMode; signal?: AbortSignal }; callback: () => unknown; mode: LockMode } {
  const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
  const callback = (
    typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback
  ) as () => unknown;
  return { options, callback, mode: options.mode ?? 'exclusive' };
}

/**
 * `navigator.locks` for the tabs and the hubs of one test: exclusive and shared modes, a
 * queue per name, abort signals. A lock is held until its callback's promise settles.
 */
export class FakeLocks {
  readonly #held = new Map<string, { mode: LockMode; count: number }>();
  readonly #queue = new Map<string, Array<{ mode: LockMode; grant: () => void }>>();

  request(
    name: string,
    optionsOrCallback: { mode?: LockMode; signal?: AbortSignal } | (() => unknown),
    maybeCallback?: () => unknown,
  ): Promise<unknown> {
    const { options, callback, mode } = lockRequest(optionsOrCallback, maybeCallback);
    return new Promise((resolve, reject) => {
      const waiter = {
        mode,
        grant: () => {
          const held = this.#held.get(name);
          this.#held.set(name, { mode, count: (held?.count ?? 0) + 1 });
          Promise.resolve()
            .then(callback)
            .then(
              (value) => {
                this.#release(name);
                resolve(value);
              },
              (error: unknown) => {
                this.#release(name);
                reject(error);
              },
            );
        },
      };
      const queue = this.#queue.get(name) ?? [];
      this.#queue.set(name, queue);
      queue.push(waiter);
      options.signal?.addEventListener('abort', () => {
        const at = queue.indexOf(waiter);
        if (at < 0) return;
        queue.splice(at, 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
      this.#pump(name);
    });
  }

  #release(name: string): void {
    const held = this.#held.get(name);
    if (!held) return;
    held.count -= 1;
    if (held.count === 0) this.#held.delete(name);
    this.#pump(name);
  }

  #pump(name: string): void {
    const queue = this.#queue.get(name) ?? [];
    for (let next = queue[0]; next; next = queue[0]) {
      const held = this.#held.get(name);
      if (held && (held.mode === 'exclusive' || next.mode === 'exclusive')) return;
      queue.shift();
      next.grant();
    }
  }
}
