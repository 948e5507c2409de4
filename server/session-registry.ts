import type { Clock } from '../protocol/clock';
import type { SendBudget } from './connected-client';
import { encodePushFrame } from './outbound-frame';
import type { PushEntry, PushPayload, ReplayRead, ReplayStore } from './replay-store';
import { isPromise, type MaybePromise, SerialQueue } from './serial-queue';

/** What a session needs of the socket it is attached to. */
export interface SessionSocket {
  readonly userId: string;
  /** False once the socket closes or is closing: a resume that settles late skips it. */
  readonly isOpen: boolean;
  topics: ReadonlySet<string>;
  sendText(text: string, budget?: SendBudget): boolean;
  terminate(): void;
}

/** A worker's session: it outlives its sockets, so pushes and messages survive reconnects. */
export interface Session {
  /** Unique on this server, and the session's name in the replay store. */
  readonly key: string;
  /**
   * The user whose pushes it gets. Without `authenticate` each socket is its own user, so
   * an anonymous session takes the id of the socket that resumed it last.
   */
  userId: string;
  topics: ReadonlySet<string>;
  /** The socket it is attached to; undefined between sockets. */
  socket: SessionSocket | undefined;
  /** When the last socket left; undefined while attached. */
  detachedAt: number | undefined;
  /** When a socket last attached. */
  attachedAt: number;
  /** The count of fan-outs made before it existed: none of those is in its log. */
  readonly bornAfter: number;
  /**
   * Its pushes and resumes, in the order they are made: a push waits here for its number
   * from a remote store, and a resume for its read, so that frames reach the socket in push
   * order and a resume's replay comes before the pushes made after it. Idle, and never
   * waited on, with the in-memory store.
   */
  readonly outbound: SerialQueue;
  /** The highest push number written to `socket`: a push read into a replay is not written twice. */
  written: number;
  /** Resumes waiting for the store: the sweep leaves the session alone meanwhile. */
  resuming: number;
}

/**
 * One push, broadcast or publish: a socket that has not resumed yet gets its frame as is,
 * and remembers which sessions logged it, so that its resume neither loses nor doubles it.
 */
export interface Fanout {
  readonly seq: number;
  /** The user whose sessions got it; undefined for every session (a broadcast). */
  readonly userId: string | undefined;
}

export type ResumeOutcome =
  | {
      kind: 'attached';
      session: Session;
      /** The session did not exist: this resume created it. */
      created: boolean;
      /** The last push number of the stream. */
      head: number;
      /** What to replay, oldest first; undefined when the worker must resync. */
      replay: PushEntry[] | undefined;
      /** Whether `fanout`, made before this resume, was logged in the session. */
      logged(fanout: Fanout): boolean;
    }
  /** `maxTotal` sessions exist and every one has a socket. */
  | { kind: 'full' }
  /**
   * The store failed, the session was evicted, or the socket closed while the store
   * answered: nothing was attached.
   */
  | { kind: 'failed'; reason: 'store' | 'evicted' | 'closed' };

export interface SessionRegistryOptions {
  maxAge: number;
  dedupeWindow: number;
  maxPerUser: number;
  maxTotal: number;
  /**
   * Without `authenticate`: a session is found by its id alone, which is then its only
   * credential (a worker's is 128 random bits).
   */
  anonymous: boolean;
}

/**
 * How often the server forgets expired sessions: a quarter of `maxAge`, from 1 s to 1 min,
 * so a session is forgotten at most a quarter (or a minute) late.
 */
export function sessionSweepPeriod(maxAge: number): number {
  return Math.min(Math.max(maxAge / 4, 1_000), 60_000);
}

/**
 * The sessions of this server, attached or waiting for their worker to come back, and
 * their end: a session without a socket for `maxAge` ms is forgotten with its log, and
 * past `maxPerUser` or `maxTotal` the longest detached one makes room.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #byUser = new Map<string, Set<Session>>();
  /** Sessions without a socket, longest detached first (a Map keeps insertion order). */
  readonly #detached = new Map<string, Session>();
  #fanouts = 0;

  constructor(
    private readonly store: ReplayStore,
    private readonly options: SessionRegistryOptions,
    private readonly clock: Clock,
    /** A store call failed: what it was for is lost (a push) or refused (a resume). */
    private readonly onStoreError: (error: unknown) => void = () => {},
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Attaches `socket` to the worker's session `id` (created when unknown), taking it from a
   * socket it may still have: that one is a half-open leftover of the same worker. A `last`
   * that is not a push number (undefined) makes the worker resync.
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
  ): MaybePromise<void> {
    const key = this.#keyOf(socket.userId, id);
    let session = this.#sessions.get(key);
    const created = !session;
    if (!session) {
      if (!this.#makeRoom(socket.userId)) {
        respond({ kind: 'full' });
        return;
      }
      session = {
        key,
        userId: socket.userId,
        topics: socket.topics,
        socket: undefined,
        detachedAt: undefined,
        attachedAt: this.clock.now(),
        bornAfter: this.#fanouts,
        outbound: new SerialQueue(),
        written: 0,
        resuming: 0,
      };
      this.#sessions.set(key, session);
      this.#index(session);
    }
    const { userId: ownerBefore, bornAfter } = session;
    const fanoutsBefore = this.#fanouts;
    if (session.userId !== socket.userId) {
      // Anonymous: the session now gets the pushes of the socket that resumed it.
      this.#unindex(session);
      session.userId = socket.userId;
      this.#index(session);
    }
    const owner = session.userId;
    /**
     * Fan-outs made before this call went to the sessions of the owner then; those made
     * while the read was pending, to the owner this call made it.
     */
    const logged = (fanout: Fanout) =>
      fanout.seq > bornAfter &&
      (fanout.userId === undefined ||
        fanout.userId === (fanout.seq <= fanoutsBefore ? ownerBefore : owner));
    const target = session;
    target.resuming += 1;
    return target.outbound.run(() => {
      const attach = (read: ReplayRead) => {
        target.resuming -= 1;
        if (this.#sessions.get(key) !== target)
          return respond({ kind: 'failed', reason: 'evicted' });
        if (!socket.isOpen) {
          this.#awaitWorker(target);
          return respond({ kind: 'failed', reason: 'closed' });
        }
        this.#attach(target, socket);
        target.written = read.head;
        respond({
          kind: 'attached',
          session: target,
          created,
          head: read.head,
          replay: read.entries,
          logged,
        });
      };
      const fail = (error: unknown) => {
        target.resuming -= 1;
        this.#awaitWorker(target);
        this.onStoreError(error);
        respond({ kind: 'failed', reason: 'store' });
      };
      let read: MaybePromise<ReplayRead>;
      try {
        read = this.store.read(key, last);
      } catch (error) {
        return fail(error);
      }
      if (!isPromise(read)) return attach(read);
      return read.then(attach, fail);
    });
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

  ofUser(userId: string): Iterable<Session> {
    return this.#byUser.get(userId) ?? [];
  }

  all(): Iterable<Session> {
    return this.#sessions.values();
  }

  /** Numbers a fan-out, so that sockets not resumed yet can tell which sessions logged it. */
  fanout(userId: string | undefined): Fanout {
    this.#fanouts += 1;
    return { seq: this.#fanouts, userId };
  }

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
    if (!isPromise(seq) && session.outbound.idle) return this.#write(session, seq, payload, budget);
    const attached = session.socket !== undefined;
    void session.outbound.run(() =>
      Promise.resolve(seq).then(
        (number) => {
          this.#write(session, number, payload, budget);
        },
        (error: unknown) => this.onStoreError(error),
      ),
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
    let numbers: Promise<(number | undefined)[] | undefined>;
    try {
      numbers = Promise.resolve(
        store.appendMany(
          list.map((session) => session.key),
          payload,
        ),
      ).catch((error: unknown) => {
        this.onStoreError(error);
        return undefined;
      });
    } catch (error) {
      this.onStoreError(error);
      return 0;
    }
    list.forEach((session, index) => {
      if (session.socket) written += 1;
      void session.outbound.run(() =>
        numbers.then((seqs) => {
          if (seqs) this.#write(session, seqs[index], payload, 'live');
        }),
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
      this.#moved(session);
      return false;
    }
    // Already in the replay of a resume that read the store after this push was numbered.
    if (seq <= session.written) return false;
    session.written = seq;
    return session.socket?.sendText(encodePushFrame(seq, payload.body), budget) ?? false;
  }

  /**
   * Records that the session passed message `id` on; answers whether it had before (a
   * resend whose ack was lost). Synchronous with the in-memory store.
   */
  seen(session: Session, id: number): MaybePromise<boolean> {
    return this.store.seen(session.key, id, this.options.dedupeWindow);
  }

  /**
   * Forgets sessions that waited longer than `maxAge` for their worker, and tells a shared
   * store that the attached ones are still held here.
   */
  sweep(): void {
    const expired = this.clock.now() - this.options.maxAge;
    for (const session of this.#detached.values()) {
      if ((session.detachedAt ?? 0) > expired) break;
      if (session.resuming === 0) this.#forget(session);
    }
    if (this.store.touch) {
      for (const session of this.#sessions.values()) {
        if (session.socket) this.#touch(session);
      }
    }
  }

  /** Makes room for a new session of `userId`; answers false when there is none to make. */
  #makeRoom(userId: string): boolean {
    const ofUser = this.#byUser.get(userId);
    if (ofUser && ofUser.size >= this.options.maxPerUser) {
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
    this.#sessions.delete(session.key);
    this.#detached.delete(session.key);
    this.#unindex(session);
    this.#settle(() => this.store.drop(session.key));
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
   * Another server resumed the session since this one did: the worker is there. Forgets it
   * here, keeping its state in the store, and ends a socket still attached (a half-open
   * leftover of the worker's).
   */
  #moved(session: Session): void {
    if (this.#sessions.get(session.key) !== session || session.resuming > 0) return;
    const { socket } = session;
    session.socket = undefined;
    this.#sessions.delete(session.key);
    this.#detached.delete(session.key);
    this.#unindex(session);
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

  #index(session: Session): void {
    let ofUser = this.#byUser.get(session.userId);
    if (!ofUser) {
      ofUser = new Set();
      this.#byUser.set(session.userId, ofUser);
    }
    ofUser.add(session);
  }

  #unindex(session: Session): void {
    const ofUser = this.#byUser.get(session.userId);
    ofUser?.delete(session);
    if (ofUser?.size === 0) this.#byUser.delete(session.userId);
  }

  /**
   * A key no other user and session can share (joining them with a separator could: user
   * "a" with session "b\0c" against user "a\0b" with session "c").
   */
  #keyOf(userId: string, id: string): string {
    return this.options.anonymous ? JSON.stringify([id]) : JSON.stringify([userId, id]);
  }
}

/** The longest detached of `sessions`, or else the one attached longest ago. */
function oldestOf(sessions: Iterable<Session>): Session | undefined {
  let oldest: Session | undefined;
  for (const session of sessions) {
    if (!oldest || isOlder(session, oldest)) oldest = session;
  }
  return oldest;
}

function isOlder(a: Session, b: Session): boolean {
  if (a.detachedAt !== undefined && b.detachedAt !== undefined) return a.detachedAt < b.detachedAt;
  if (a.detachedAt !== undefined || b.detachedAt !== undefined) return a.detachedAt !== undefined;
  return a.attachedAt < b.attachedAt;
}
