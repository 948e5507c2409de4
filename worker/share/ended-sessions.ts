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
 * The sessions a hub's logouts ended, or that an owner's `leaving` told it ended, each until
 * no server keeps it any more (a cursor of it then resumes nothing): bounded in time and in
 * count, as every join carries them.
 */
export class EndedSessions {
  /** When each ended, oldest first (a session ends once), and whether this hub's logout ended it. */
  readonly #endedAt = new Map<string, { at: number; here: boolean }>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** `here`: this hub's own logout ended it (else another hub's logout, as it told). */
  add(session: string, here: boolean): void {
    const known = this.#endedAt.get(session);
    this.#endedAt.set(session, { at: known?.at ?? this.#clock.now(), here: here || !!known?.here });
    this.list();
  }

  /** Past `ENDED_KEPT_FOR` too, until the next `add` or `list`: no server resumes it then. */
  has(session: string): boolean {
    return this.#endedAt.has(session);
  }

  /** Whether this hub's own logout ended it (see `has`). */
  endedHere(session: string): boolean {
    return !!this.#endedAt.get(session)?.here;
  }

  /** The sessions named now; forgets those past their time, and the oldest past the count. */
  list(): string[] {
    const since = this.#clock.now() - ENDED_KEPT_FOR;
    for (const [session, { at }] of this.#endedAt) {
      if (at < since || this.#endedAt.size > ENDED_KEPT_MAX) this.#endedAt.delete(session);
    }
    return [...this.#endedAt.keys()];
  }
}
