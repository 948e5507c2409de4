/**
 * `navigator.locks` of one simulated browser profile: exclusive and shared modes, a queue per
 * name, abort signals. A grant is a task of the requester's context, and a context that dies
 * lets go of every lock it holds and leaves every queue, as a closed tab or a killed worker
 * does.
 */
import type { LockWaiter } from '../worker/platform';
import { type LockMode, lockRequest } from '../worker/test-support/fake-locks';
import type { Context, Lane, Scheduler } from './scheduler';

interface Waiter {
  mode: LockMode;
  context: Context;
  grant: () => void;
}

interface Holding {
  mode: LockMode;
  holders: Context[];
}

export class SimLocks implements LockWaiter {
  readonly #held = new Map<string, Holding>();
  readonly #queue = new Map<string, Waiter[]>();
  readonly #lanes = new Map<Context, Lane>();

  constructor(private readonly sim: Scheduler) {}

  request(
    name: string,
    optionsOrCallback: { mode?: LockMode; signal?: AbortSignal } | (() => unknown),
    maybeCallback?: () => unknown,
  ): Promise<unknown> {
    const { options, callback, mode } = lockRequest(optionsOrCallback, maybeCallback);
    const context = this.sim.current;
    return new Promise((resolve, reject) => {
      if (!context.alive) return;
      const queue = this.#queue.get(name) ?? [];
      this.#queue.set(name, queue);
      const waiter: Waiter = {
        mode,
        context,
        grant: () => {
          const holding = this.#held.get(name) ?? { mode, holders: [] };
          holding.holders.push(context);
          this.#held.set(name, holding);
          let released = false;
          const release = () => {
            if (released) return;
            released = true;
            this.#release(name, context);
          };
          context.onKill(release);
          this.sim.post(this.#laneOf(context), `grant ${name}`, () => {
            Promise.resolve()
              .then(callback)
              .then(
                (value) => {
                  release();
                  resolve(value);
                },
                (error: unknown) => {
                  release();
                  reject(error);
                },
              );
          });
        },
      };
      queue.push(waiter);
      context.onKill(() => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        this.#pump(name);
      });
      options.signal?.addEventListener('abort', () => {
        const at = queue.indexOf(waiter);
        if (at < 0) return;
        queue.splice(at, 1);
        reject(new DOMException('aborted', 'AbortError'));
        this.#pump(name);
      });
      this.#pump(name);
    });
  }

  /** Whether anyone holds `name` now (for the checker and the world's bookkeeping). */
  isHeld(name: string): boolean {
    return this.#held.has(name);
  }

  #laneOf(context: Context): Lane {
    let lane = this.#lanes.get(context);
    if (!lane) {
      lane = this.sim.lane(`locks:${context.id}`, () => context);
      this.#lanes.set(context, lane);
    }
    return lane;
  }

  #release(name: string, context: Context): void {
    const holding = this.#held.get(name);
    if (!holding) return;
    const at = holding.holders.indexOf(context);
    if (at >= 0) holding.holders.splice(at, 1);
    if (holding.holders.length === 0) this.#held.delete(name);
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
