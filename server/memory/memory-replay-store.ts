import { type Clock, systemClock } from '../../protocol/clock';
import {
  isPushNumber,
  type PushPayload,
  type ReplayRead,
  type ReplayStore,
  type SessionHolder,
} from '../stores';
import { DedupeWindow } from './dedupe-window';
import { type ReplayLimits, ReplayLog } from './replay-log';

const EMPTY: ReplayRead = { head: 0, entries: [], fresh: true };
/** Names left by sessions a logout ended (`end`) at most: past it, the oldest goes. */
const MAX_ENDED_NAMES = 10_000;
const GONE: ReplayRead = { head: 0, entries: undefined, fresh: true };

/**
 * The default store: a bounded log and a dedupe window per session, in this process's
 * memory. Answers every call synchronously, so the server never waits on it.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #logs = new Map<string, ReplayLog>();
  readonly #received = new Map<string, DedupeWindow>();
  /** A login's sessions by user and id (`keyOfLogin`): each names a key in `#logs`. */
  readonly #ofLogins = new Map<string, string>();
  /** The other way: at most one name a key. */
  readonly #loginNames = new Map<string, string>();
  /**
   * Names whose session a logout ended (`end`), and when, oldest first: each names the ended
   * key in `#ofLogins` still, for `maxAge` (review 25h), so that another login's fresh read
   * of the id says `otherLogin`. `keyOfLogin` answers none of them.
   */
  readonly #ended = new Map<string, number>();

  constructor(
    private readonly limits: ReplayLimits,
    /** Tells the age of pushes (`maxAge`); it sets no timer. */
    private readonly clock: Clock = systemClock,
  ) {}

  append(session: string, payload: PushPayload): number {
    let log = this.#logs.get(session);
    if (!log) {
      log = new ReplayLog(this.limits, this.clock);
      this.#logs.set(session, log);
    }
    return log.append(payload);
  }

  /**
   * A session read is kept, with or without pushes, until `drop`: `fresh` then says, as
   * Redis's does, that no server read it since it began or dropped it, not that it has no
   * push.
   */
  read(session: string, last: number | undefined, holder?: SessionHolder): ReplayRead {
    const lastId = this.#received.get(session)?.highest;
    const name =
      holder?.login !== undefined && holder.id !== undefined
        ? loginName(holder.userId, holder.id)
        : undefined;
    if (name !== undefined && !this.#logs.has(session)) {
      // Unknown, under a name of another session kept: another login's id. Nothing is
      // created (review 25h: a second stale resume would find it known), as on Redis.
      const named = this.#ofLogins.get(name);
      if (named !== undefined && named !== session && this.#names(name, named)) {
        return { ...(last === 0 ? EMPTY : GONE), otherLogin: true };
      }
    }
    const stream = this.#stream(session, last);
    if (name !== undefined) {
      this.#ofLogins.set(name, session);
      this.#loginNames.set(session, name);
      this.#ended.delete(name);
    }
    return lastId ? { ...stream, lastId } : stream;
  }

  /** Whether `name` names `key` still: a session kept, or one a logout ended lately. */
  #names(name: string, key: string): boolean {
    if (this.#logs.has(key)) return true;
    this.#pruneEnded();
    return this.#ended.has(name);
  }

  /** Lets go of the names of ended sessions older than `maxAge`, or past the most kept. */
  #pruneEnded(): void {
    const expired = this.clock.now() - this.limits.maxAge;
    for (const [name, at] of this.#ended) {
      if (at >= expired && this.#ended.size <= MAX_ENDED_NAMES) break;
      this.#ended.delete(name);
      const key = this.#ofLogins.get(name);
      if (key !== undefined && !this.#logs.has(key)) this.#ofLogins.delete(name);
    }
  }

  keyOfLogin(user: string, id: string): string | undefined {
    const key = this.#ofLogins.get(loginName(user, id));
    return key !== undefined && this.#logs.has(key) ? key : undefined;
  }

  #stream(session: string, last: number | undefined): ReplayRead {
    const log = this.#logs.get(session);
    if (!log) {
      this.#logs.set(session, new ReplayLog(this.limits, this.clock));
      return last === 0 ? EMPTY : GONE;
    }
    if (isPushNumber(last) && last > log.head) {
      // One past `last`: a number no push gets, so that a later resume from `last` (the
      // worker never heard this resync: its socket died with the answer) resyncs too.
      log.skipTo(last + 1);
      return { head: log.head, entries: undefined };
    }
    return { head: log.head, entries: last === undefined ? undefined : log.since(last) };
  }

  seen(session: string, id: number, window: number): boolean {
    let received = this.#received.get(session);
    if (!received) {
      received = new DedupeWindow(window);
      this.#received.set(session, received);
    }
    return received.seen(id);
  }

  /** A session of a server restarted with this store is kept, and held by no session there. */
  seenIfKept(session: string, id: number, window: number): boolean | undefined {
    return this.#logs.has(session) ? this.seen(session, id, window) : undefined;
  }

  /** The session's last push number; 0 for a session without any. */
  head(session: string): number {
    return this.#logs.get(session)?.head ?? 0;
  }

  /**
   * A logout ended the session: dropped, its name (if it has one) left behind for `maxAge`
   * (see `ReplayStore.end`).
   */
  end(session: string): void {
    const name = this.#loginNames.get(session);
    const named = name !== undefined && this.#ofLogins.get(name) === session;
    this.drop(session);
    if (!named) return;
    this.#ofLogins.set(name, session);
    this.#ended.delete(name);
    this.#ended.set(name, this.clock.now());
    this.#pruneEnded();
  }

  drop(session: string): void {
    this.#logs.delete(session);
    this.#received.delete(session);
    // A name is kept while its session is: there are never more of them than sessions.
    const name = this.#loginNames.get(session);
    this.#loginNames.delete(session);
    if (name !== undefined && this.#ofLogins.get(name) === session) this.#ofLogins.delete(name);
  }
}

/** A session's name for `keyOfLogin` (JSON: no user and id can share it). */
function loginName(user: string, id: string): string {
  return JSON.stringify([user, id]);
}
