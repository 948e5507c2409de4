import { DedupeWindow } from './dedupe-window';
import type { ReplayStore } from './replay-store';

/** What a session needs of the socket it is attached to. */
export interface SessionSocket {
  readonly userId: string;
  topics: ReadonlySet<string>;
  sendText(text: string): boolean;
  terminate(): void;
}

/** A worker's session: it outlives its sockets, so pushes and messages survive reconnects. */
export interface Session {
  /** Unique per user: the worker's session id prefixed by its user id. */
  readonly key: string;
  readonly userId: string;
  topics: ReadonlySet<string>;
  /** The socket it is attached to; undefined between sockets. */
  socket: SessionSocket | undefined;
  /** When the last socket left; undefined while attached. */
  detachedAt: number | undefined;
  readonly received: DedupeWindow;
}

export interface ResumeOutcome {
  session: Session;
  /** The session did not exist: this resume created it. */
  created: boolean;
  /** The last push number of the stream. */
  head: number;
  /** What to replay, oldest first; undefined when the gap is older than the log (resync). */
  replay: string[] | undefined;
}

/**
 * The sessions of this server, attached or waiting for their worker to come back, and
 * their expiry: a session without a socket for `maxAge` ms is forgotten with its log.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #byUser = new Map<string, Set<Session>>();

  constructor(
    private readonly store: ReplayStore,
    private readonly options: { maxAge: number; dedupeWindow: number },
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Attaches `socket` to the worker's session `id` (created when unknown), taking it from a
   * socket it may still have: that one is a half-open leftover of the same worker.
   */
  resume(socket: SessionSocket, id: string, last: number): ResumeOutcome {
    // Keyed by user too: a session id of another user's worker can never be taken over.
    const key = `${socket.userId}\u0000${id}`;
    let session = this.#sessions.get(key);
    const created = !session;
    if (!session) {
      session = {
        key,
        userId: socket.userId,
        topics: socket.topics,
        socket: undefined,
        detachedAt: undefined,
        received: new DedupeWindow(this.options.dedupeWindow),
      };
      this.#sessions.set(key, session);
      let ofUser = this.#byUser.get(socket.userId);
      if (!ofUser) {
        ofUser = new Set();
        this.#byUser.set(socket.userId, ofUser);
      }
      ofUser.add(session);
    }
    const previous = session.socket;
    session.socket = socket;
    session.detachedAt = undefined;
    if (previous && previous !== socket) previous.terminate();
    return {
      session,
      created,
      head: this.store.head(key),
      replay: this.store.since(key, last),
    };
  }

  /** The socket closed: its session waits `maxAge` for the worker to resume. */
  detach(session: Session, socket: SessionSocket): void {
    if (session.socket !== socket) return;
    session.socket = undefined;
    session.detachedAt = this.now();
  }

  ofUser(userId: string): Iterable<Session> {
    return this.#byUser.get(userId) ?? [];
  }

  all(): Iterable<Session> {
    return this.#sessions.values();
  }

  /** Appends a push to the session's stream and writes it if attached; answers whether written. */
  push(session: Session, frame: (seq: number) => string): boolean {
    const entry = this.store.append(session.key, frame);
    return session.socket?.sendText(entry.frame) ?? false;
  }

  /** Forgets sessions that waited longer than `maxAge` for their worker. */
  sweep(): void {
    const expired = this.now() - this.options.maxAge;
    for (const session of this.#sessions.values()) {
      if (session.detachedAt === undefined || session.detachedAt > expired) continue;
      this.#sessions.delete(session.key);
      const ofUser = this.#byUser.get(session.userId);
      ofUser?.delete(session);
      if (ofUser?.size === 0) this.#byUser.delete(session.userId);
      this.store.drop(session.key);
    }
  }
}
