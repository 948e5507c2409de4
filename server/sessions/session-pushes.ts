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
  /** Fan-outs made while a resume of the session waited for the store, in the order made. */
  readonly #heldForResume = new WeakMap<Session, PushPayload[]>();

  constructor(
    private readonly store: ReplayStore,
    private readonly onStoreError: (error: unknown) => void,
    /** The store says another server holds the session now. */
    private readonly moved: (session: Session) => void,
    /** Whether the registry still holds the session (not evicted, expired or moved). */
    private readonly holds: (session: Session) => boolean,
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
    // A store that numbers fan-outs itself counts the ones made during a read in that read.
    const holdWhileRead = !store.makingFanout?.();
    const list: Session[] = [];
    for (const session of sessions) {
      if (!holdWhileRead || session.resuming === 0) list.push(session);
      else if (this.#holdWhileResuming(session, payload)) written += 1;
    }
    if (!store.appendMany) {
      for (const session of list) if (this.push(session, payload)) written += 1;
      return written;
    }
    if (list.length === 0) return written;
    if (list.length === 1) return written + (this.push(list[0] as Session, payload) ? 1 : 0);
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

  /**
   * Appends the fan-outs held while a resume of `session` waited for the store, in the order
   * made, once that resume was answered: after the frames its answer handed over (see
   * `holdWhileResuming`). Nothing for a session the registry no longer holds.
   */
  release(session: Session): void {
    const held = this.#heldForResume.get(session);
    if (!held) return;
    this.#heldForResume.delete(session);
    if (!this.holds(session)) return;
    for (const payload of held) this.push(session, payload);
  }

  /**
   * A fan-out to a session whose resume waits for the store: appended once it is answered
   * (`release`). That answer hands over the frames its socket got before the session had
   * it (`takeOver`), made before this one: appended at once, this one would be numbered
   * ahead of them as soon as the store goes on with the session. Answers whether the
   * session has a socket.
   */
  #holdWhileResuming(session: Session, payload: PushPayload): boolean {
    const held = this.#heldForResume.get(session);
    if (held) held.push(payload);
    else this.#heldForResume.set(session, [payload]);
    return session.socket !== undefined;
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
