import type { PushPayload } from '../stores/push-payload';
import type { PushEntry } from '../stores/replay-store';
import type { SerialQueue } from './serial-queue';

/**
 * Whether the socket's `maxBufferedAmount` applies to a write: to every one but a resume's
 * answer (see `ConnectedClient.sendText`).
 */
export type SendBudget = 'live' | 'resume';

/** What a session needs of the socket it is attached to. */
export interface SessionSocket {
  readonly userId: string;
  /** The login `authenticate` named; its sessions are its own (see `Identity`). */
  readonly login?: string | undefined;
  /** False once the socket closes or is closing: a resume that settles late skips it. */
  readonly isOpen: boolean;
  readonly topics: ReadonlySet<string>;
  sendText(text: string, budget?: SendBudget): boolean;
  terminate(): void;
  /**
   * Gives up the frames written to it before its resume (none once attached): a session
   * started for it under a new id numbers them first, before any push made while it is read.
   */
  handOver?(): RememberedFrame[];
}

/** An application frame written to a socket that may still resume a session. */
export interface RememberedFrame {
  payload: PushPayload;
  /** How push, broadcast or publish reached sessions; undefined for `client.send`. */
  fanout: Fanout | undefined;
}

/** A worker's session: it outlives its sockets, so pushes and messages survive reconnects. */
export interface Session {
  /** Unique on this server, and the session's name in the replay store. */
  readonly key: string;
  /** The id its worker names it by (unique per user and login only). */
  readonly id: string;
  /**
   * The user whose pushes it gets. Without `authenticate` each socket is its own user, so
   * an anonymous session takes the id of the socket that resumed it last.
   */
  userId: string;
  /** The login that began it, when `authenticate` names logins: no other login resumes it. */
  readonly login: string | undefined;
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
  /** Pushes the store did not keep while a resume was pending (see `SessionRegistry`). */
  unkept: number;
  /**
   * A read failed while `socket` was attached and another resume was pending: the store
   * counts the fan-outs made since in a read, not as frames to the socket, so the next
   * answered read ends the socket unless it takes its place (review 20f).
   */
  starved: boolean;
  /**
   * The fan-outs it took from sockets that got them before resuming it: another socket
   * that got one too (a dying worker's and its successor's) does not hand it over again.
   * Weak: a fan-out no socket remembers any more cannot come again.
   */
  readonly takenOver: WeakSet<Fanout>;
}

/**
 * One push, broadcast or publish: a socket that has not resumed yet gets its frame as is,
 * and remembers which sessions logged it, so that its resume neither loses nor doubles it.
 */
export interface Fanout {
  readonly seq: number;
  /** The user whose sessions got it; undefined for every session (a broadcast). */
  readonly userId: string | undefined;
  /** Made through the store's own fan-out (`ReplayStore.makingFanout`). */
  readonly shared: boolean;
}

export type ResumeOutcome =
  | {
      kind: 'attached';
      session: Session;
      /** The session did not exist: this resume created it. */
      created: boolean;
      /**
       * The id of a session this resume started in place of the worker's, whose stream the
       * store no longer had (see `SessionRegistry.resume`); the worker takes it from the start.
       */
      newId?: string;
      /** The last push number of the stream. */
      head: number;
      /** The highest message id the session passed on; 0 for none (see `ResumedFrame`). */
      lastId: number;
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

/** The longest detached of `sessions`, or else the one attached longest ago. */
export function oldestOf(sessions: Iterable<Session>): Session | undefined {
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
