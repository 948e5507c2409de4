import type { MaybePromise } from './maybe-promise';
import type { PushPayload } from './push-payload';

/**
 * Whom a session's pushes are for, as the server knows it when it reads the session for a
 * resume: a shared store uses it to log the fan-outs the session's previous server could
 * not (see `tabsocket/server/redis`).
 */
export interface SessionHolder {
  readonly userId: string;
  readonly topics: ReadonlySet<string>;
  /** The id its worker names it by, and the login that began it (see `keyOfLogin`). */
  readonly id?: string;
  readonly login?: string | undefined;
}

/** Whether `last` can be a push number: a safe integer, 0 or above. */
export function isPushNumber(last: number | undefined): last is number {
  return last !== undefined && Number.isSafeInteger(last) && last >= 0;
}

/** One push of a session's stream. */
export interface PushEntry {
  readonly seq: number;
  readonly payload: PushPayload;
}

/** What a resume reads of a session's stream, at one instant. */
export interface ReplayRead {
  /** The session's last push number; 0 for a session without any. */
  readonly head: number;
  /**
   * The pushes after `last`, oldest first; undefined when some are no longer kept, or
   * `last` is not a push number of the stream (beyond the head, negative, fractional).
   */
  readonly entries: PushEntry[] | undefined;
  /**
   * The store appended, before this read, every fan-out of its own that this server made
   * and the session lacked (`tabsocket/server/redis`): those written to the socket before
   * the resume are in `entries` or were logged before, and are not pushed again.
   */
  readonly caughtUp?: boolean;
  /**
   * The stream begins with this read: the store had nothing of the session (no server read
   * it since the store began, or the store lost it). A worker that holds pushes of it, or
   * was attached to it, holds them of another stream.
   */
  readonly fresh?: boolean;
  /**
   * Fresh, and the user's id names a session of another login that the store keeps (see
   * `keyOfLogin`): a resume of the id was written before, under that login, whatever the
   * worker's cursor says (a stale `fresh` one). Begun under the id, the two sessions would
   * number alike, and a cursor of the other taken for one of this (review 23k).
   */
  readonly otherLogin?: boolean;
  /**
   * The session's topics as a shared store keeps them: the server routes publishes by them
   * until the worker's next `sub`, so that every server numbers the session's pushes alike.
   */
  readonly topics?: readonly string[];
  /** The highest message id the session passed on (`seen`); absent or 0 for none. */
  readonly lastId?: number;
}

/**
 * Where sessions' state is kept: their numbered push streams for replay, and the message ids
 * they have passed on. Like `PresenceStore`, an interface, so that a store shared by several
 * server processes (`tabsocket/server/redis`) replaces the in-memory default without
 * touching callers.
 *
 * Every method may answer a promise; the in-memory store answers synchronously, and then
 * the server never waits. A store must apply the calls for one session in the order they
 * are *made*, not the order they settle (one connection to Redis does): the server issues
 * a session's appends without waiting for the previous one, and numbers and writes them in
 * the order it made them. `append` must number and keep a push atomically, so that `read`
 * never sees a push numbered but not kept.
 *
 * A shared store knows which server holds each session: the last one that read it for a
 * resume. Only that one appends to it, so a push is numbered once per session however many
 * servers still remember the session; the others learn that it moved (`append` and `touch`
 * answer `undefined` and `false`) and forget it, ending its socket if it still has one. The
 * same happens when the store lost the session (Redis restarted without its data): the
 * worker resumes, and resyncs, once.
 */
export interface ReplayStore {
  /**
   * Appends the session's next push (numbered 1, 2, 3…); answers its number, or undefined,
   * logging nothing, when this server does not hold the session (any more). A push it did
   * not keep (undefined, or a failure) is owed: its next read of the session here answers
   * resync, as `read` says.
   */
  append(session: string, payload: PushPayload): MaybePromise<number | undefined>;
  /**
   * Optional: `append` to each of `sessions` (distinct), in one go; answers their numbers in
   * the same order (0: the session has it already, it is not written). Used for fan-outs;
   * without it, `append` is called per session.
   */
  appendMany?(sessions: string[], payload: PushPayload): MaybePromise<(number | undefined)[]>;
  /**
   * The head of the session's stream and the pushes after `last`, read at one instant;
   * `last` undefined reads the head alone (the worker resyncs). This server holds the
   * session from then on. `holder`: whom the session's pushes are for now.
   *
   * A resync that a later read would not answer again (entries undefined for a push number
   * `last` beyond the head of a session the store has, as it counts fewer pushes than the
   * worker got, or after a push it did not keep) moves the head one past `last` and the
   * head: a number no push is given, so that any later resume from below it, on any server,
   * resyncs too (the worker never heard this answer: its socket died with it), while the
   * worker that heard it resumes from its head on. Numbers never go backwards under one id,
   * and the session keeps its message ids.
   */
  read(session: string, last: number | undefined, holder?: SessionHolder): MaybePromise<ReplayRead>;
  /**
   * Records that the session passed message `id` on; answers whether it had before.
   * `window`: ids remembered above the highest contiguous one (see `replay.dedupeWindow`).
   */
  seen(session: string, id: number, window: number): MaybePromise<boolean>;
  /**
   * As `seen`, for a session no session of this server holds (a message's `was`): another
   * server of a shared store may hold it, or this one did before a restart. Answers
   * undefined, and records nothing, when the store does not keep the session (a store of an
   * earlier build answers false: the message may then reach the app twice). Without it, only
   * the sessions this server holds are asked.
   */
  seenIfKept?(session: string, id: number, window: number): MaybePromise<boolean | undefined>;
  /**
   * Optional: message `id`, which `seen` or `seenIfKept` answered false for here, was passed
   * on (or found passed elsewhere). A store shared by processes holds such an id for the
   * process that took it until then: a process that dies before its app gets the message
   * leaves it to the resend, which another process passes on once it takes the first for
   * dead (the message is never lost; it is passed twice only when the first process passed
   * it on and could not say so in time). Absent from a store of one process.
   */
  passed?(session: string, id: number): MaybePromise<void>;
  /**
   * Optional: the key of the session `id` of `user`, of any login, that the store keeps, as
   * a `read` with a `SessionHolder.login` named it; undefined for none. A worker whose login
   * changed with no logout names its session of the earlier login in the `was` of its sends
   * (see `MessageFrame`), which a server that does not hold that session (another process,
   * or one restarted since) checks by it (review 18c). A read of the id under another login
   * that the store did not know leaves it naming the earlier one while that one is kept.
   */
  keyOfLogin?(user: string, id: string): MaybePromise<string | undefined>;
  /** Optional: the server closed; the store stops its own timers (its work in flight fails). */
  close?(): void;
  /**
   * The session has a socket on this server: a shared store keeps it for at least `maxAge`
   * more. Called on attach and on each session sweep. Answers false when this server does
   * not hold it (any more): nothing is kept then.
   */
  touch?(session: string): MaybePromise<boolean>;
  /**
   * This server forgets the session (it expired or was evicted). A shared store keeps it
   * when another server holds it now.
   */
  drop(session: string): MaybePromise<void>;
  /**
   * Optional: the session ended for good (its worker's logout): forget it wherever it is
   * held, so that a later `read` of it is `fresh`. A shared store drops it even when another
   * server holds it now (that one's next `append` or `touch` learns it moved). Without it,
   * `drop`. A login's session (`holder`, as `read` had it) leaves its name by user and id
   * behind for about the session's own lifetime: a fresh read of the id by another login of
   * the user says `otherLogin` still (review 25h: a stale `fresh` cursor of the next login
   * would begin a session under the ended id, numbered like it), though `keyOfLogin` names it
   * no more.
   */
  end?(session: string, holder?: SessionHolder): MaybePromise<void>;
  /** Whether the push being made now comes from the store's own fan-out across servers. */
  makingFanout?(): boolean;
  /**
   * Optional: the session's topics changed (a `sub`), or its user (an anonymous session
   * resumed by another socket, even before its read), from the next push made on. Called
   * before any push is made by them; a shared store may make the session's pushes wait for
   * it to keep them (its `append` answering later).
   */
  interest?(session: string, holder: SessionHolder): void;
}
