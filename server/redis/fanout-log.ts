import type { PushData } from '../outbound-frame';
import type { SessionHolder } from '../replay-store';

/** A fan-out as it goes over the channel. */
export type FanoutMessage =
  | { k: 'u'; u: string; d: PushData }
  | { k: 'b'; d: PushData }
  | { k: 't'; t: string; d: PushData };

/** What a resume appends for the fan-outs the session's previous server did not log. */
export interface CatchUp {
  /** The last fan-out this server made: the session's mark once it resumed here. */
  readonly made: number;
  /** The log holds every fan-out after this one: a mark below it cannot be caught up. */
  readonly completeAfter: number;
  /**
   * The remembered fan-outs for the session, oldest first: number, payload body; body ''
   * for a topic publish the session may have subscribed to (its topics are not known yet).
   */
  readonly entries: ReadonlyArray<readonly [number, string]>;
}

/**
 * The fan-outs this server made last (numbered by Redis, made in that order), so that a
 * session whose server died can be given the ones it missed when it resumes here. Kept in
 * memory, a bounded number: a gap in the numbers (Redis lost its counter, or this server
 * missed messages while cut off) starts it again, complete only after the gap.
 */
export class FanoutLog {
  readonly #limit: number;
  readonly #bodyOf: (message: FanoutMessage) => string;
  #entries: Array<{ n: number; message: FanoutMessage }> = [];
  #made = 0;
  #completeAfter = 0;
  /** The number of the fan-out being made now, while this server makes it. */
  #making: number | undefined;

  constructor(limit: number, bodyOf: (message: FanoutMessage) => string) {
    this.#limit = limit;
    this.#bodyOf = bodyOf;
  }

  /** The last fan-out made here; 0 before the first. */
  get made(): number {
    return this.#made;
  }

  /** The fan-out being made now (its appends carry its number), else undefined. */
  get making(): number | undefined {
    return this.#making;
  }

  /**
   * The fan-outs before `n` were made before this server listened: none of its sessions is
   * behind them. Ignored once a fan-out was made here.
   */
  begin(n: number): void {
    if (this.#made !== 0) return;
    this.#made = n;
    this.#completeAfter = n;
  }

  /**
   * Makes fan-out `n` with `apply` (synchronous: the store calls it makes carry `n`).
   * Answers how many fan-outs before it this server missed (0 but after a gap).
   */
  make(n: number, message: FanoutMessage, apply: () => void): number {
    if (n <= this.#made) {
      // Published before `begin`'s read of the counter, received after it: made, not logged.
      this.#apply(n, apply);
      return 0;
    }
    let missed = 0;
    if (n !== this.#made + 1) {
      if (this.#made !== 0) missed = n - this.#made - 1;
      this.#entries = [];
      this.#completeAfter = n - 1;
    }
    this.#entries.push({ n, message });
    if (this.#entries.length > this.#limit) {
      this.#completeAfter = this.#entries.shift()?.n ?? this.#completeAfter;
    }
    this.#made = n;
    this.#apply(n, apply);
    return missed;
  }

  #apply(n: number, apply: () => void): void {
    this.#making = n;
    try {
      apply();
    } finally {
      this.#making = undefined;
    }
  }

  /** What a resume of a session for `holder` appends (see the READ script). */
  catchUp(holder: SessionHolder | undefined): CatchUp {
    const entries: Array<readonly [number, string]> = [];
    if (holder) {
      for (const { n, message } of this.#entries) {
        if (concerns(message, holder)) entries.push([n, this.#bodyOf(message)]);
        else if (message.k === 't' && holder.topics.size === 0) entries.push([n, '']);
      }
    }
    return { made: this.#made, completeAfter: this.#completeAfter, entries };
  }
}

function concerns(message: FanoutMessage, holder: SessionHolder): boolean {
  if (message.k === 'b') return true;
  if (message.k === 'u') return message.u === holder.userId;
  return holder.topics.has(message.t);
}
