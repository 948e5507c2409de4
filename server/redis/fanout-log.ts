import type { FanoutMessage } from '../stores';

/**
 * A logout's end of a session (`s`, its key in the store), numbered among the fan-outs so
 * that every server makes it before the fan-outs made after it (see `RedisReplayStore.end`).
 * It is a push for no session.
 */
export interface SessionEnd {
  readonly k: 'e';
  readonly s: string;
}

/** What the fan-out channel of the Redis servers carries. */
export type LoggedMessage = FanoutMessage | SessionEnd;

/** A fan-out this server made: its number, what it was, and when (this process's clock). */
export interface LoggedFanout {
  readonly n: number;
  readonly message: LoggedMessage;
  readonly at: number;
}

interface Waiter {
  readonly n: number;
  readonly resolve: (reached: boolean) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The fan-outs this server made last, numbered by Redis and made in that order: the store
 * numbers its sessions' pushes from them (see `session-numbering.ts`), so that any server
 * can tell which number a fan-out had for a session without Redis writing it per session.
 * Kept in memory, a bounded number: a gap in the numbers (Redis lost its counter, or this
 * server missed messages while cut off) starts it again, complete only after the gap.
 */
export class FanoutLog {
  readonly #limit: number;
  readonly #now: () => number;
  #entries: LoggedFanout[] = [];
  #made = 0;
  #completeAfter = 0;
  /** The number of the fan-out being made now, while this server makes it. */
  #making: number | undefined;
  #waiters: Waiter[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(limit: number, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Fan-outs kept: the log holds at least the last `limit`. */
  get limit(): number {
    return this.#limit;
  }

  /** The last fan-out made here; 0 before the first. */
  get made(): number {
    return this.#made;
  }

  /** The log holds every fan-out after this one. */
  get completeAfter(): number {
    return this.#completeAfter;
  }

  /** The fan-out being made now (the store numbers its pushes), else undefined. */
  get making(): number | undefined {
    return this.#making;
  }

  /**
   * The fan-outs up to `n` were made before this server listened; `history`, the last of
   * them (kept in Redis), oldest first. Ignored once one was made.
   */
  begin(n: number, history: readonly LoggedFanout[] = []): void {
    if (this.#made !== 0) return;
    this.#made = n;
    // Only the run that ends at `n`, without a gap, can be counted from.
    let first = history.length;
    while (first > 0 && history[first - 1]?.n === n - (history.length - first)) first -= 1;
    this.#entries = history.slice(first);
    this.#completeAfter = n - this.#entries.length;
  }

  /**
   * Makes fan-out `n` with `apply` (synchronous: the store numbers the pushes it makes).
   * Answers how many fan-outs before it this server missed (0 but after a gap). A fan-out
   * at or below the last made (or the last `begin` was given) is dropped: made already.
   */
  make(n: number, message: LoggedMessage, apply: () => void): number {
    if (n <= this.#made) return 0;
    let missed = 0;
    if (n !== this.#made + 1) {
      if (this.#made !== 0) missed = n - this.#made - 1;
      this.#entries = [];
      this.#completeAfter = n - 1;
    }
    this.#entries.push({ n, message, at: this.#now() });
    // Forgets a quarter at once: a shift per fan-out would copy the whole array each time.
    if (this.#entries.length > this.#limit + (this.#limit >> 2)) {
      const forgotten = this.#entries.length - this.#limit;
      this.#completeAfter = this.#entries[forgotten - 1]?.n ?? this.#completeAfter;
      this.#entries = this.#entries.slice(forgotten);
    }
    this.#made = n;
    this.#making = n;
    try {
      apply();
    } finally {
      this.#making = undefined;
      this.#wake();
      for (const listener of this.#listeners) listener();
    }
    return missed;
  }

  /** The fan-outs after `mark`, oldest first; undefined when some of them are not kept. */
  after(mark: number): LoggedFanout[] | undefined {
    if (mark < this.#completeAfter) return undefined;
    const first = this.#entries[0];
    if (!first) return [];
    return this.#entries.slice(Math.max(0, mark + 1 - first.n));
  }

  /** Resolves true once fan-out `n` was made here, false after `within` ms or `stop`. */
  reached(n: number, within: number): Promise<boolean> {
    if (this.#made >= n) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.timer !== timer);
        resolve(false);
      }, within);
      this.#waiters.push({ n, resolve, timer });
    });
  }

  /** Calls `listener` after each fan-out made; answers how to stop. */
  onMade(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Lets every wait go, false. */
  stop(): void {
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (waiter.n > this.#made) {
        waiting.push(waiter);
        continue;
      }
      clearTimeout(waiter.timer);
      waiter.resolve(true);
    }
    this.#waiters = waiting;
  }
}

/** Whether fan-out `message` is for a session of `user` subscribed to `topics`. */
export function concerns(
  message: FanoutMessage,
  user: string,
  topics: ReadonlyArray<string>,
): boolean {
  if (message.k === 'b') return true;
  if (message.k === 'u') return message.u === user;
  return topics.includes(message.t);
}
