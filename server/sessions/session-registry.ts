import type { Clock } from '../../protocol/clock';
import { randomId } from '../../protocol/random-id';
import { isPromise, type MaybePromise } from '../stores/maybe-promise';
import type { PushPayload } from '../stores/push-payload';
import type { ReplayRead, ReplayStore } from '../stores/replay-store';
import { SerialQueue } from './serial-queue';
import type { SendBudget } from './session';
import {
  type Fanout,
  oldestOf,
  type RememberedFrame,
  type ResumeOutcome,
  type Session,
  type SessionRegistryOptions,
  type SessionSocket,
} from './session';
import { SessionPushes } from './session-pushes';
import { SessionReceipts } from './session-receipts';
import { StoreEnds } from './store-ends';
import { UserIndex } from './user-index';

export {
  type Fanout,
  type RememberedFrame,
  type ResumeOutcome,
  type Session,
  type SessionRegistryOptions,
  type SessionSocket,
  sessionSweepPeriod,
} from './session';

/**
 * The sessions of this server, attached or waiting for their worker to come back, and
 * their end: a session without a socket for `maxAge` ms is forgotten with its log, and
 * past `maxPerUser` or `maxTotal` the longest detached one makes room.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #byUser = new UserIndex<Session>();
  /** Sessions without a socket, longest detached first (a Map keeps insertion order). */
  readonly #detached = new Map<string, Session>();
  #fanouts = 0;
  readonly #pushes: SessionPushes;
  readonly #ends: StoreEnds;
  /** The message ids its sessions passed on (see `passedOnBefore`). */
  readonly receipts: SessionReceipts;

  constructor(
    private readonly store: ReplayStore,
    private readonly options: SessionRegistryOptions,
    private readonly clock: Clock,
    /** A store call failed: what it was for is lost (a push) or refused (a resume). */
    private readonly onStoreError: (error: unknown) => void = () => {},
  ) {
    this.#pushes = new SessionPushes(
      store,
      onStoreError,
      (session) => this.#notKept(session),
      (session) => this.#sessions.get(session.key) === session,
    );
    this.#ends = new StoreEnds(store, onStoreError, options.maxTotal);
    this.receipts = new SessionReceipts(store, options, {
      holds: (key) => this.#sessions.has(key),
      keyOf: (owner, id) => this.#keyOf(owner, id),
      ofUser: (userId) => this.#byUser.of(userId),
    });
  }

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Attaches `socket` to the worker's session `id` (created when unknown), taking it from a
   * socket it may still have: that one is a half-open leftover of the same worker. A `last`
   * that is not a push number (undefined) makes the worker resync.
   *
   * A session's numbers never go backwards under one id: when the store no longer has the
   * stream the worker holds pushes of (the server restarted, the store lost the session, it
   * expired), a session with a fresh id starts instead, and the outcome names it (`newId`).
   * Under the old id its pushes 1, 2… would be dropped by the worker and the tabs as seen.
   * A stream the store has but counts lower than the worker's `last` goes on from `last`
   * under its id (see `ReplayStore.read`), keeping the message ids it passed on.
   *
   * `respond` gets the outcome once the store has answered the read, in the session's
   * order: after the pushes made before this call, before those made after it. It is called
   * synchronously with the in-memory store; what this answers settles after `respond` ran.
   */
  resume(
    socket: SessionSocket,
    id: string,
    last: number | undefined,
    respond: (outcome: ResumeOutcome) => void,
    held = false,
  ): MaybePromise<void> {
    const key = this.#keyOf(socket, id);
    // Ended by a logout here, the store may have it still: the read would resume it.
    if (this.#ends.has(key)) return this.#startAnew(socket, respond);
    let session = this.#sessions.get(key);
    const created = !session;
    if (!session) {
      if (!this.#makeRoom(socket.userId)) {
        respond({ kind: 'full' });
        return;
      }
      session = {
        key,
        id,
        userId: socket.userId,
        login: socket.login,
        topics: socket.topics,
        socket: undefined,
        detachedAt: undefined,
        attachedAt: this.clock.now(),
        bornAfter: this.#fanouts,
        outbound: new SerialQueue(),
        written: 0,
        resuming: 0,
        unkept: 0,
        takenOver: new WeakSet(),
        starved: false,
      };
      this.#sessions.set(key, session);
      this.#byUser.add(session);
    }
    const { userId: ownerBefore, bornAfter, unkept } = session;
    const fanoutsBefore = this.#fanouts;
    if (session.userId !== socket.userId) {
      // Anonymous: the session now gets the pushes of the socket that resumed it (a shared
      // store counts them so from now on, as for a `sub`).
      this.#byUser.remove(session);
      session.userId = socket.userId;
      this.#byUser.add(session);
      this.store.interest?.(key, session);
    }
    const owner = session.userId;
    // Fan-outs made before this call went to the sessions of the owner then, those made while
    // the read was pending to the owner this call made it; a store's own, into its catch-up,
    // which counts them for the same owners (an anonymous socket's before this call: not).
    let caughtUp = false;
    const logged = (fanout: Fanout) =>
      (fanout.userId === undefined ||
        fanout.userId === (fanout.seq <= fanoutsBefore ? ownerBefore : owner)) &&
      ((fanout.shared && caughtUp) || fanout.seq > bornAfter);
    const target = session;
    // The fan-outs made meanwhile follow the answer, and the frames it hands over.
    const answer = (outcome: ResumeOutcome) => {
      try {
        respond(outcome);
      } finally {
        this.#pushes.release(target);
      }
    };
    target.resuming += 1;
    return target.outbound.run(() => {
      const evicted = () => {
        target.resuming -= 1;
        answer({ kind: 'failed', reason: 'evicted' });
      };
      // Not read then: the read would make this server hold, in the store, a session that
      // nothing here names any more (nor drops).
      if (this.#sessions.get(key) !== target) return evicted();
      const attach = (read: ReplayRead) => {
        if (this.#sessions.get(key) !== target) return evicted();
        target.resuming -= 1;
        // Gone: a session the worker holds pushes of, or one a server attached before (its
        // pushes may have been made and lost on the way), goes on under a new id. This
        // registry may hold it still: the store lost it (Redis restarted empty) unseen here.
        // So does one whose id another login of the user has (`otherLogin`), whatever the
        // resume says: the worker's cursor said `fresh` too late (review 23k).
        const gone = read.fresh === true && (last !== 0 || held || read.otherLogin === true);
        // A push it got plainly may be one the store did not keep: which, it cannot tell.
        const replay = target.unkept === unkept ? read.entries : undefined;
        if (!socket.isOpen) {
          // Not kept under its id either: the worker's next resume of it finds it gone then,
          // and resyncs (review 19c).
          if (gone) {
            this.#evict(target);
            return answer({ kind: 'failed', reason: 'closed' });
          }
          // Kept with no replay, it keeps its message ids (reviews 19d, 19e: evicted, a resend
          // was passed on again): the store answers the next resume resync as well, wherever
          // it reads (see `ReplayStore.read`).
          // A read that counted nothing past what the socket was written: it missed nothing (review 24e).
          if (read.head <= target.written) target.starved = false;
          this.#endStarved(target);
          this.#awaitWorker(target);
          // Routed by the topics it had, as an attached one is (review 19d).
          if (read.topics) target.topics = new Set(read.topics);
          caughtUp = read.caughtUp === true;
          // What the socket got before its session had it goes in now: its worker resumes
          // later on another socket, behind the pushes made to the session meanwhile, and
          // that socket's own (review 19a: handed over then, one was numbered after them).
          for (const frame of socket.handOver?.() ?? []) {
            if (!frame.fanout || !logged(frame.fanout)) this.takeOver(target, frame);
          }
          return answer({ kind: 'failed', reason: 'closed' });
        }
        if (gone) {
          this.#evict(target);
          return this.#startAnew(socket, respond);
        }
        target.starved = false;
        this.#attach(target, socket);
        target.written = read.head;
        if (read.topics) target.topics = new Set(read.topics);
        caughtUp = read.caughtUp === true;
        answer({
          kind: 'attached',
          session: target,
          created,
          head: read.head,
          lastId: read.lastId ?? 0,
          replay,
          logged,
        });
      };
      const fail = (error: unknown) => {
        target.resuming -= 1;
        // A socket still attached (a stale resume's read failed) hears no fan-out: the store
        // counts them in the next read, which its worker makes once the socket ends (review
        // 20a). Another resume on its way reads it, and takes the socket's place, or ends
        // it when its own socket closed meanwhile (review 20f).
        if (target.socket) target.starved = true;
        this.#endStarved(target);
        this.#awaitWorker(target);
        this.onStoreError(error);
        answer({ kind: 'failed', reason: 'store' });
      };
      let read: MaybePromise<ReplayRead>;
      try {
        read = this.store.read(key, last, target);
      } catch (error) {
        return fail(error);
      }
      if (!isPromise(read)) return attach(read);
      return read.then(attach, fail);
    });
  }

  /** Ends the socket a failed read left unfed (`Session.starved`), once no resume is pending. */
  #endStarved(session: Session): void {
    const { socket } = session;
    if (!session.starved || session.resuming > 0 || !socket) return;
    session.starved = false;
    this.detach(session, socket);
    socket.terminate();
  }

  /** Resumes a new session, with a fresh id, for a worker whose stream is gone. */
  #startAnew(socket: SessionSocket, respond: (outcome: ResumeOutcome) => void): MaybePromise<void> {
    const newId = randomId();
    const started = this.resume(socket, newId, 0, (outcome) =>
      respond(outcome.kind === 'attached' ? { ...outcome, newId } : outcome),
    );
    // What the socket got before it resumed (its old session is gone) comes first, before the
    // pushes made while the new one is read: the store numbers them in the order made.
    const session = this.#sessions.get(this.#keyOf(socket, newId));
    if (session) {
      for (const frame of socket.handOver?.() ?? []) this.takeOver(session, frame);
    }
    return started;
  }

  /** A resume attached nothing: a session left without a socket waits `maxAge` like any. */
  #awaitWorker(session: Session): void {
    if (session.socket || this.#detached.has(session.key)) return;
    if (this.#sessions.get(session.key) !== session) return;
    session.detachedAt = this.clock.now();
    this.#detached.set(session.key, session);
  }

  #attach(session: Session, socket: SessionSocket): void {
    const previous = session.socket;
    session.socket = socket;
    session.detachedAt = undefined;
    session.attachedAt = this.clock.now();
    this.#detached.delete(session.key);
    if (previous && previous !== socket) previous.terminate();
    this.#touch(session);
  }

  /** The socket closed: its session waits `maxAge` for the worker to resume. */
  detach(session: Session, socket: SessionSocket): void {
    if (session.socket !== socket) return;
    session.socket = undefined;
    session.detachedAt = this.clock.now();
    this.#detached.set(session.key, session);
  }

  /**
   * The worker's logout (`end`) ended the session: it is forgotten here and in the store, so
   * that a later resume of it, from any cursor a page or a dying worker kept, is answered
   * `resync` under a new id. A socket still attached to it other than `by` (another hub's
   * resume of it came first: a new login from a cursor of the ended one) is dropped: its
   * worker resumes, and resyncs likewise, so no push made after the logout reaches it.
   * Ended in the store even when this server no longer lists it (a shared store tells the
   * server that holds it, which drops its socket), and again at each sweep until the store
   * has it (see `StoreEnds`).
   */
  end(session: Session, by: SessionSocket): void {
    const { socket } = session;
    if (this.#sessions.get(session.key) === session) {
      session.socket = undefined;
      this.#unlist(session);
    }
    this.#ends.end(session.key, session);
    if (socket && socket !== by) socket.terminate();
  }

  ofUser(userId: string): Iterable<Session> {
    return this.#byUser.of(userId);
  }

  all(): Iterable<Session> {
    return this.#sessions.values();
  }

  /** Numbers a fan-out, so that sockets not resumed yet can tell which sessions logged it. */
  fanout(userId: string | undefined): Fanout {
    this.#fanouts += 1;
    return { seq: this.#fanouts, userId, shared: this.store.makingFanout?.() ?? false };
  }

  /** The worker's `sub`: the session's publishes are routed by `topics` from now on. */
  subscribe(session: Session, topics: ReadonlySet<string>): void {
    session.topics = topics;
    this.store.interest?.(session.key, session);
  }

  /**
   * Appends a push to the session's stream and writes it if attached; answers whether it
   * was written (see `SessionPushes`).
   */
  push(session: Session, payload: PushPayload, budget: SendBudget = 'live'): boolean {
    return this.#pushes.push(session, payload, budget);
  }

  /**
   * Pushes a frame a socket got before it resumed `session`, which the session did not log
   * (see `ResumeOutcome.logged`); a fan-out only the first time a socket hands it over.
   */
  takeOver(session: Session, { payload, fanout }: RememberedFrame): void {
    if (fanout) {
      if (session.takenOver.has(fanout)) return;
      session.takenOver.add(fanout);
    }
    this.push(session, payload, 'resume');
  }

  /** `push` to each of `sessions` (a fan-out); answers how many were written. */
  pushAll(sessions: Iterable<Session>, payload: PushPayload): number {
    return this.#pushes.pushAll(sessions, payload);
  }

  /** The server closed: the store stops its own timers (`ReplayStore.close`). */
  close(): void {
    this.store.close?.();
  }

  /**
   * Forgets sessions that waited longer than `maxAge` for their worker, tells a shared store
   * that the others are still held here, and ends again the sessions it failed to end.
   */
  sweep(): void {
    this.#ends.retry();
    const expired = this.clock.now() - this.options.maxAge;
    for (const session of this.#detached.values()) {
      if ((session.detachedAt ?? 0) > expired) break;
      if (session.resuming === 0) this.#forget(session);
    }
    if (this.store.touch) {
      // Detached ones too: a shared store says which moved to another server meanwhile.
      for (const session of this.#sessions.values()) {
        if (session.resuming === 0) this.#touch(session);
      }
    }
  }

  /** Makes room for a new session of `userId`; answers false when there is none to make. */
  #makeRoom(userId: string): boolean {
    const ofUser = this.#byUser.of(userId);
    if (ofUser.size >= this.options.maxPerUser) {
      const victim = oldestOf(ofUser);
      if (victim) this.#evict(victim);
    }
    if (this.#sessions.size < this.options.maxTotal) return true;
    const longestDetached = this.#detached.values().next().value;
    if (!longestDetached) return false;
    this.#forget(longestDetached);
    return true;
  }

  /** Ends a session for a newer one; its socket, if any, is dropped (the worker starts afresh). */
  #evict(session: Session): void {
    const { socket } = session;
    session.socket = undefined;
    this.#forget(session);
    socket?.terminate();
  }

  #forget(session: Session): void {
    this.#unlist(session);
    this.#settle(() => this.store.drop(session.key));
  }

  /** This server names the session no more; the store keeps what it keeps. */
  #unlist(session: Session): void {
    this.#sessions.delete(session.key);
    this.#detached.delete(session.key);
    this.#byUser.remove(session);
  }

  #touch(session: Session): void {
    const { store } = this;
    if (!store.touch) return;
    this.#settle(
      () => store.touch?.(session.key),
      (held) => {
        if (held === false) this.#moved(session);
      },
    );
  }

  /**
   * The store did not keep a push of the session (another server holds it). With a resume
   * pending, whose read makes this server hold it again, the session stays, and that resume
   * answers resync: its socket may have got the push plainly, and taken it for logged.
   */
  #notKept(session: Session): void {
    if (session.resuming > 0) session.unkept += 1;
    else this.#moved(session);
  }

  /**
   * Another server resumed the session since this one did: the worker is there. Forgets it
   * here, keeping its state in the store, and ends a socket still attached (a half-open
   * leftover of the worker's).
   */
  #moved(session: Session): void {
    if (this.#sessions.get(session.key) !== session || session.resuming > 0) return;
    const { socket } = session;
    session.socket = undefined;
    this.#unlist(session);
    socket?.terminate();
  }

  /** Runs a store call whose answer nobody waits for; reports its failure. */
  #settle<T>(call: () => MaybePromise<T>, then: (answer: T) => void = () => {}): void {
    try {
      const done = call();
      if (isPromise(done)) done.then(then, this.onStoreError);
      else then(done);
    } catch (error) {
      this.onStoreError(error);
    }
  }

  /**
   * A key no other user, login and session can share (joining them with a separator could:
   * user "a" with session "b\0c" against user "a\0b" with session "c"). A login's sessions
   * are its own: another login of the user that names one finds nothing, and starts anew.
   */
  #keyOf({ userId, login }: { userId: string; login?: string | undefined }, id: string): string {
    if (this.options.anonymous) return JSON.stringify([id]);
    return JSON.stringify(login === undefined ? [userId, id] : [userId, login, id]);
  }
}
