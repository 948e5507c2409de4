import type { MessageOrigin } from '../../protocol/wire';
import { isPromise, type MaybePromise, unawaited } from '../stores/maybe-promise';
import type { ReplayStore } from '../stores/replay-store';
import type { ReceiptRecords, TakenId } from './message-receipt';
import type { Session } from './session';

/** What the receipts ask of the registry: the sessions it holds, and their keys. */
export interface HeldSessions {
  /** Whether the registry holds a session under `key`. */
  holds(key: string): boolean;
  /** The key of session `id` of the user and login of `owner` (see `SessionRegistry`). */
  keyOf(owner: { userId: string; login?: string | undefined }, id: string): string;
  /** The sessions of `userId` the registry holds. */
  ofUser(userId: string): Iterable<Session>;
}

/**
 * The message ids the sessions passed on, as the store records them: whether a message, or
 * a copy of it written under another session (its `was`), reached the app before, and
 * letting go of what a check took once it did (see `passedOnBefore`).
 */
export class SessionReceipts implements ReceiptRecords {
  constructor(
    private readonly store: ReplayStore,
    private readonly options: { readonly dedupeWindow: number; readonly anonymous: boolean },
    private readonly sessions: HeldSessions,
  ) {}

  /**
   * Records that the session passed message `id` on; answers whether it had before (a
   * resend whose ack was lost). Synchronous with the in-memory store.
   */
  seen(session: Session, id: number): MaybePromise<boolean> {
    return this.store.seen(session.key, id, this.options.dedupeWindow);
  }

  /**
   * A message of `session` that says it was written before as message `was.id` of session
   * `was.session` (see `MessageFrame`): records it there, and answers whether that session
   * had passed it on. Asked, the first that is there: a session of this login the registry
   * holds (`session` itself too: a message written there before under another id); one the
   * store keeps under this login's key (`seenIfKept`: another process's, or this one's
   * before a restart; without `authenticate`, by the id alone, which is what a resume of it
   * needs too); one of another login of the user the registry holds, or the store names by
   * user and id (`keyOfLogin`: a renewed login). This login's first: an id may be a session
   * of two logins (review 19a). Anything else answers undefined, and nothing is recorded (a
   * client naming made-up sessions would grow the store). What it asks goes in `taken`, for
   * `passed`.
   */
  seenIn(
    session: Session,
    was: MessageOrigin,
    taken: TakenId[],
  ): MaybePromise<boolean | undefined> {
    const key = this.sessions.keyOf(session, was.session);
    if (this.sessions.holds(key)) return this.#seenAt(key, was.id, taken);
    const thisLogins = this.store.seenIfKept ? this.#seenAt(key, was.id, taken) : undefined;
    const orOtherLogin = (seen: boolean | undefined) =>
      seen === undefined ? this.#seenInOtherLogin(session, was, key, taken) : seen;
    return isPromise(thisLogins) ? thisLogins.then(orOtherLogin) : orOtherLogin(thisLogins);
  }

  /** `seenIn` for the sessions of the user's other logins: held here, else kept by the store. */
  #seenInOtherLogin(
    session: Session,
    was: MessageOrigin,
    key: string,
    taken: TakenId[],
  ): MaybePromise<boolean | undefined> {
    const held = this.#ofOtherLogin(session, was.session);
    if (held) return this.#seenAt(held.key, was.id, taken);
    if (session.login === undefined || !this.store.keyOfLogin) return undefined;
    const named = this.store.keyOfLogin(session.userId, was.session);
    const ask = (found: string | undefined) =>
      found === undefined || found === key ? undefined : this.#seenAt(found, was.id, taken);
    return isPromise(named) ? named.then(ask) : ask(named);
  }

  #seenAt(key: string, id: number, taken: TakenId[]): MaybePromise<boolean | undefined> {
    taken.push({ key, id });
    const window = this.options.dedupeWindow;
    // A shared store checks no owner of it: another process may have resumed a session this
    // one still holds detached (review 18g).
    if (this.store.seenIfKept) return this.store.seenIfKept(key, id, window);
    return this.store.seen(key, id, window);
  }

  get holdsUntilPassed(): boolean {
    return this.store.passed !== undefined;
  }

  /**
   * Message `id` of `session` was passed on (or found passed): the store lets go of what
   * `seen` took of it here, and of what `seenIn` took (`taken`) under the keys it asked: a
   * session it asked may have left the registry since (see `ReplayStore.passed`).
   */
  passed(
    session: Session,
    id: number,
    taken: readonly TakenId[],
    reportError: (error: unknown) => void,
  ): void {
    const { store } = this;
    if (!store.passed) return;
    const letGo = (key: string, of: number) =>
      unawaited(() => store.passed?.(key, of), reportError);
    letGo(session.key, id);
    for (const { key, id: of } of taken) letGo(key, of);
  }

  /**
   * The session `id` of another login of `session`'s user that the registry holds: a
   * worker whose login changed with no logout (a session cookie renewed under a new id) was
   * answered `resync` for it, and names it in the `was` of the sends it had written there.
   */
  #ofOtherLogin(session: Session, id: string): Session | undefined {
    if (this.options.anonymous) return undefined;
    for (const other of this.sessions.ofUser(session.userId)) {
      if (other.id === id && other.login !== session.login) return other;
    }
    return undefined;
  }
}
