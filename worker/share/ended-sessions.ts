import type { Clock } from '../../protocol/clock';

/**
 * How long a hub names a session its logout ended: past the longest a server keeps a session
 * its worker left (`replay.maxAge`, 2 min by default; a Redis store's keys, twice that), for
 * servers set to keep theirs longer too. Hello does not tell `maxAge`.
 */
export const ENDED_KEPT_FOR = 10 * 60_000;

/** Most sessions named: more logouts than this within `ENDED_KEPT_FOR` forget the oldest. */
export const ENDED_KEPT_MAX = 16;

/**
 * The sessions a hub's logouts ended, each until no server keeps it any more (a cursor of
 * it then resumes nothing): bounded in time and in count, as every join carries them.
 */
export class EndedSessions {
  /** When each ended, oldest first (a session ends once). */
  readonly #endedAt = new Map<string, number>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  add(session: string): void {
    this.#endedAt.set(session, this.#clock.now());
    this.list();
  }

  /** Past `ENDED_KEPT_FOR` too, until the next `add` or `list`: no server resumes it then. */
  has(session: string): boolean {
    return this.#endedAt.has(session);
  }

  /** The sessions named now; forgets those past their time, and the oldest past the count. */
  list(): string[] {
    const since = this.#clock.now() - ENDED_KEPT_FOR;
    for (const [session, at] of this.#endedAt) {
      if (at < since || this.#endedAt.size > ENDED_KEPT_MAX) this.#endedAt.delete(session);
    }
    return [...this.#endedAt.keys()];
  }
}
