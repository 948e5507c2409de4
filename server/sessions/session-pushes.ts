import { isPromise, type MaybePromise } from '../stores/maybe-promise';
import type { PushPayload } from '../stores/push-payload';
import { encodePushFrame } from '../stores/push-payload';
import type { ReplayStore } from '../stores/replay-store';
import type { SendBudget, Session } from './session';

/**
 * The push path of the sessions: each push is numbered by the store and written to the
 * session's socket in the order pushes were made, at once with the in-memory store, or
 * through the session's queue when the store answers later.
 */
export class SessionPushes {
  constructor(
    private readonly store: ReplayStore,
    private readonly onStoreError: (error: unknown) => void,
    /** The store says another server holds the session now. */
    private readonly moved: (session: Session) => void,
  ) {}

  /**
   * Appends a push to the session's stream and writes it if attached; answers whether it
   * was written. A push that waits for a remote store (or behind one that does) is written
   * once numbered, in the order pushes were made; it answers whether the session had a
   * socket when it was made.
   */
  push(session: Session, payload: PushPayload, budget: SendBudget = 'live'): boolean {
    let seq: MaybePromise<number | undefined>;
    try {
      // Issued at once, not queued: the store numbers a session's pushes in the order made.
      seq = this.store.append(session.key, payload);
    } catch (error) {
      this.onStoreError(error);
      return false;
    }
    return this.#writeInOrder(session, seq, payload, budget);
  }

  /**
   * Writes push number `seq` now when it is known and nothing of the session waits, else
   * behind what waits, once known; answers whether it was written (or, when it waits,
   * whether the session has a socket).
   */
  #writeInOrder(
    session: Session,
    seq: MaybePromise<number | undefined>,
    payload: PushPayload,
    budget: SendBudget,
  ): boolean {
    if (!isPromise(seq) && session.outbound.idle) return this.#write(session, seq, payload, budget);
    const attached = session.socket !== undefined;
    // A throw of the write itself must not become an unhandled rejection (Node exits on one).
    void session.outbound.run(() =>
      Promise.resolve(seq)
        .then((number) => {
          this.#write(session, number, payload, budget);
        })
        .catch(this.onStoreError),
    );
    return attached;
  }

  /**
   * `push` to each of `sessions` (a fan-out): one call to a store that appends many at once,
   * else one `push` each. Answers how many were written (for a store that answers later,
   * how many had a socket).
   */
  pushAll(sessions: Iterable<Session>, payload: PushPayload): number {
    const { store } = this;
    let written = 0;
    if (!store.appendMany) {
      for (const session of sessions) if (this.push(session, payload)) written += 1;
      return written;
    }
    const list = Array.from(sessions);
    if (list.length === 0) return 0;
    if (list.length === 1) return this.push(list[0] as Session, payload) ? 1 : 0;
    let numbers: MaybePromise<(number | undefined)[]>;
    try {
      numbers = store.appendMany(
        list.map((session) => session.key),
        payload,
      );
    } catch (error) {
      this.onStoreError(error);
      return 0;
    }
    if (!isPromise(numbers)) {
      // Numbered at once (in memory): written at once, but behind what a session waits for.
      const seqs = numbers;
      list.forEach((session, index) => {
        if (this.#writeInOrder(session, seqs[index], payload, 'live')) written += 1;
      });
      return written;
    }
    const later = numbers.catch((error: unknown) => {
      this.onStoreError(error);
      return undefined;
    });
    list.forEach((session, index) => {
      if (session.socket) written += 1;
      void session.outbound.run(() =>
        later
          .then((seqs) => {
            if (seqs) this.#write(session, seqs[index], payload, 'live');
          })
          .catch(this.onStoreError),
      );
    });
    return written;
  }

  #write(
    session: Session,
    seq: number | undefined,
    payload: PushPayload,
    budget: SendBudget,
  ): boolean {
    if (seq === undefined) {
      this.moved(session);
      return false;
    }
    // Already in the replay of a resume that read the store after this push was numbered.
    if (seq <= session.written) return false;
    session.written = seq;
    return session.socket?.sendText(encodePushFrame(seq, payload.body), budget) ?? false;
  }
}
