import { randomUUID } from 'node:crypto';
import { systemClock } from '../../protocol/clock';
import {
  type FanoutMessage,
  isPromise,
  isPushNumber,
  type MaybePromise,
  type PushPayload,
  type ReplayRead,
  type ReplayStore,
  type SessionHolder,
} from '../stores';
import { attempts } from './attempts';
import { CheckpointBatch } from './checkpoint-batch';
import type { FanoutLog, SessionEnd } from './fanout-log';
import { HeldSession } from './held-session';
import { MessageIds } from './message-ids';
import { readReply, type SessionRecord } from './read-reply';
import { countResume, headAbove } from './resume-count';
import { DIRECT, DROP, END_NAME, FORGET_NAME, READ } from './scripts';
import { type Interest, withInterest } from './session-numbering';
import { type RedisCommandClient, type RedisStoreOptions, storeSettings } from './store-options';

/** How long a resume waits for the fan-outs Redis numbered before it to reach this server. */
const REACH_WITHIN = 1_000;
/** Sessions marked for a resync on their next read (`#unkept`) at most. */
const MAX_UNKEPT = 1_024;

/** Deletes a session ended by a logout and numbers its end among the fan-outs (END_SESSION). */
type EndSession = (keys: string[], end: SessionEnd) => Promise<number>;

/**
 * Sessions on Redis, shared by every server process that uses the same Redis and prefix. A
 * fan-out (`createRedisFanout`) is never written per session: the server that holds a
 * session numbers its fan-outs in memory, and any server that resumes it counts the same
 * numbers from the session's anchors, its interests and the fan-outs every server remembers
 * (see session-numbering.ts). A push to one session alone is kept in the session's stream
 * with its number, before it is written. Only the store that resumed a session last writes
 * to it, so a push is numbered once per session.
 *
 * Scripts go as `EVAL` (Redis caches them compiled): an `EVALSHA` answered `NOSCRIPT` after
 * a Redis restart would be sent again behind the commands made after it, out of order.
 */
export class RedisReplayStore implements ReplayStore {
  readonly #client: RedisCommandClient;
  readonly #prefix: string;
  readonly #maxCount: number;
  readonly #maxAge: number;
  readonly #ttl: string;
  readonly #onError: (error: unknown) => void;
  /** This store's name in Redis: the sessions it resumed last are its to write and drop. */
  readonly #owner = randomUUID();
  readonly #checkpoints: CheckpointBatch;
  readonly #sessions = new Map<string, HeldSession>();
  readonly #ids: MessageIds;
  /**
   * Sessions a push could not be kept for, as this store no longer held them (Redis lost
   * them, another server resumed them, or a write failed): their next read here says so
   * (`entries` undefined: a resync), were a resume of them already on its way (review 18h),
   * and leaves a hole in Redis for a resume elsewhere or later (see `#resume`). Each maps to
   * the number a worker's `last` must reach to be owed nothing: a hole whose write failed
   * (its worker heard it), or no bound for a push not kept.
   */
  readonly #unkept = new Map<string, number>();
  #log: FanoutLog | undefined;
  #bodyOf: (message: FanoutMessage) => string = () => '';
  #endSession: EndSession | undefined;

  /** @param clock internal: the simulation passes its own. */
  constructor(client: RedisCommandClient, options: RedisStoreOptions = {}, clock = systemClock) {
    const settings = storeSettings(options);
    this.#client = client;
    this.#prefix = settings.prefix;
    this.#maxCount = settings.maxCount;
    this.#maxAge = settings.maxAge;
    this.#ttl = String(settings.ttl);
    this.#onError = options.onError ?? warn;
    this.#checkpoints = new CheckpointBatch(client, this.#owner, this.#ttl);
    this.#ids = new MessageIds(
      clock,
      this.#owner,
      this.#ttl,
      (session) => this.keys(session),
      (script, keys, args) => this.#eval(script, keys, args),
      (session) => this.#sessions.get(session)?.name,
    );
  }

  /**
   * The fan-outs of this server (`createRedisFanout` with `store`): their pushes are
   * numbered in memory, from `log`; `bodyOf` gives a fan-out's payload; `endSession` ends a
   * session for every server.
   */
  followFanout(
    log: FanoutLog,
    bodyOf: (message: FanoutMessage) => string,
    endSession?: EndSession,
  ): void {
    this.#log = log;
    this.#bodyOf = bodyOf;
    this.#endSession = endSession;
    // Sessions no fan-out was for keep anchors the log still reaches back to.
    const every = Math.max(1, log.limit >> 3);
    log.onMade(() => {
      if (log.made % every !== 0) return;
      for (const [key, held] of this.#sessions) this.#moveAnchors(key, held);
    });
  }

  append(session: string, payload: PushPayload): MaybePromise<number | undefined> {
    if (this.#log?.making !== undefined) return this.#numberFanout(session);
    return this.#appendDirect(session, payload);
  }

  appendMany(sessions: string[], payload: PushPayload): MaybePromise<(number | undefined)[]> {
    if (this.#log?.making === undefined) {
      // Each session's on its own: one that could not be read keeps the push from none of
      // the others (review 18g).
      const kept = (session: string) =>
        this.#appendDirect(session, payload).catch((error: unknown) => {
          this.#onError(error);
          return undefined;
        });
      return Promise.all(sessions.map(kept));
    }
    let waits = false;
    const numbers = sessions.map((session) => {
      const seq = this.#numberFanout(session);
      if (isPromise(seq)) waits = true;
      return seq;
    });
    return waits ? Promise.all(numbers) : (numbers as (number | undefined)[]);
  }

  /** A fan-out's number for the session, counted in memory. */
  #numberFanout(key: string): MaybePromise<number | undefined> {
    const held = this.#sessions.get(key);
    if (held?.phase === 'lost') {
      // Let go on this answer: the server forgets the session, and ends its socket.
      this.#letGo(key, held);
      return undefined;
    }
    // Not read yet, or being read: the read counts this fan-out (0 writes nothing). One at
    // or below the anchor's mark is counted in it (a read that numbered on from the worker's
    // last, past the fan-outs Redis had numbered).
    if (held?.phase !== 'live' || (this.#log?.making ?? 0) <= held.cur.mark) return 0;
    held.head += 1;
    const seq = held.head;
    this.#moveAnchors(key, held);
    const { persisting } = held;
    return persisting ? persisting.then((still) => (still ? seq : undefined)) : seq;
  }

  /**
   * A push to the session alone: numbered now, kept in its stream before it is written. A
   * lost session's is kept too, not written: its socket ends, and the resume replays it.
   */
  #appendDirect(key: string, payload: PushPayload): Promise<number | undefined> {
    // Forgotten here (Redis lost it): not held, as a lost one is; only a read holds it again
    // (review 18g: a session made here with no read waited for one for good).
    const held = this.#sessions.get(key);
    if (!held) {
      this.#owe(key);
      return Promise.resolve(undefined);
    }
    if (held.phase === 'reading' || held.phase === 'failed') {
      return held.ready.then((live) => {
        if (live) return this.#appendDirect(key, payload);
        this.#owe(key);
        throw new Error('The session could not be read: the push was not kept');
      });
    }
    held.head += 1;
    const seq = held.head;
    const mark = this.#log?.made ?? 0;
    this.#moveAnchors(key, held);
    const [hash, stream] = this.keys(key);
    const args = [this.#owner, this.#ttl, String(seq), String(mark), payload.body];
    args.push(String(this.#maxCount));
    const { reads, phase } = held;
    // A lost session is let go once Redis answered: the pushes made until then are kept too.
    const named = held.name ? [held.name] : [];
    return this.#eval(DIRECT, [hash, stream, ...named], args).then(
      (kept) => {
        if (Number(kept) === 1 && phase === 'live') return seq;
        this.#forget(key, held, reads);
        if (Number(kept) !== 1) this.#owe(key);
        return undefined;
      },
      (error: unknown) => {
        this.#owe(key);
        throw error;
      },
    );
  }

  /**
   * A push of the session was not kept (or the hole numbered `below` not written): the next
   * read of it here from below that answers resync, and leaves a hole in its numbering (see
   * `ReplayStore.read`). A session held here keeps its mark (review 20a: the bound let a held
   * one's go); of those not held, at most `MAX_UNKEPT` marks, the oldest let go: a session
   * that moved away is not read here again, and the registry forgets it without a word to the
   * store (review 18i).
   */
  #owe(key: string, below = Number.POSITIVE_INFINITY): void {
    const held = this.#sessions.get(key);
    if (held) {
      held.owedBelow = Math.max(held.owedBelow, below);
      return;
    }
    this.#unkept.set(key, Math.max(this.#unkept.get(key) ?? 0, below));
    for (const oldest of this.#unkept.keys()) {
      if (this.#unkept.size <= MAX_UNKEPT) break;
      this.#unkept.delete(oldest);
    }
  }

  async read(
    session: string,
    last: number | undefined,
    holder?: SessionHolder,
  ): Promise<ReplayRead> {
    const held = this.#heldSession(session);
    if (held.phase !== 'reading') held.startReading();
    const log = this.#log;
    const user = holder?.userId ?? '';
    const created: Interest = { since: log?.made ?? 0, user, topics: [...(holder?.topics ?? [])] };
    held.name =
      holder?.login !== undefined && holder.id !== undefined
        ? this.#nameOf(holder.userId, holder.id)
        : undefined;
    // Owed, READ leaves the hole itself (see `#resume`).
    const owes = isPushNumber(last) && this.#owedBelow(session, held) > last;
    let record: SessionRecord;
    try {
      const [hash, stream, bits] = this.keys(session);
      const reply = await this.#eval(
        READ,
        [hash, stream, bits, `${this.#prefix}fanout:n`, ...(held.name ? [held.name] : [])],
        [
          this.#owner,
          this.#ttl,
          String(created.since),
          JSON.stringify([created]),
          String(isPushNumber(last) ? last : Number.MAX_SAFE_INTEGER),
          session,
          owes ? '1' : '0',
        ],
      );
      record = readReply(reply);
      // Fan-outs Redis numbered before the read: the session's last server may have made them.
      if (log && record.counter > log.made) await log.reached(record.counter, REACH_WITHIN);
    } catch (error) {
      held.fail();
      throw error;
    }
    if (record.otherLogin) {
      // Another login's id: READ created nothing, so nothing is held here either (review
      // 25h); a direct push waiting for the read is not kept.
      held.fail();
      this.#forget(session, held, held.reads);
      return { head: 0, entries: last === 0 ? [] : undefined, fresh: true, otherLogin: true };
    }
    // Read before a logout ended it (the end was heard meanwhile): read again, after the end.
    if (held.endedAt > record.counter) return this.read(session, last, holder);
    return this.#resume(session, held, record, last, created);
  }

  /** Numbers the session from its record, up to the last fan-out made here; it is live then. */
  #resume(
    key: string,
    held: HeldSession,
    record: SessionRecord,
    last: number | undefined,
    reader: Interest,
  ): ReplayRead {
    const made = this.#log?.made ?? 0;
    // The fan-outs it did not count live were for whom the server routed them: the changes
    // made meanwhile, and (anonymous) the new socket's user since the read began, by the
    // topics the session had.
    let interests = record.interests;
    const changes = held.takeChanges();
    const before = changes.filter((change) => change.since < reader.since);
    for (const change of before) interests = withInterest(interests, change);
    const topics = (interests.at(-1) ?? reader).topics;
    interests = withInterest(interests, { ...reader, topics });
    for (const change of changes.slice(before.length)) interests = withInterest(interests, change);
    const context = {
      log: this.#log,
      bodyOf: this.#bodyOf,
      maxCount: this.#maxCount,
      maxAge: this.#maxAge,
      now: Date.now(),
    };
    const counted = countResume(
      { ...record, interests },
      isPushNumber(last) ? last : undefined,
      context,
    ) ?? { head: headAbove(record, made, held.head), entries: undefined, from: undefined };
    // A resync no later read would answer again: a push was not kept here, or the worker got
    // more than this server counts (it missed a fan-out). Numbered on from one past its last
    // and the head, a number no push gets (see `ReplayStore.read`), past every fan-out Redis
    // had numbered, as any server counts from that anchor.
    const below = this.#owedBelow(key, held);
    held.owedBelow = 0;
    this.#unkept.delete(key);
    const owed = below > 0 && !(isPushNumber(last) && last >= below);
    // At or past the hole READ left, if it left one: Redis's anchors are there already.
    const hole =
      !record.fresh && isPushNumber(last) && (owed || counted.head < last || record.hole > 0)
        ? Math.max(counted.head + 1, last + 1, record.hole)
        : undefined;
    const { head, entries, from } =
      hole === undefined ? counted : { head: hole, entries: undefined, from: undefined };
    const mark = hole === undefined ? made : Math.max(made, record.counter);
    held.goLive(head, mark, from, interests, record.counter);
    if (interests !== record.interests || hole !== undefined) this.#persist(key, held);
    else this.#writeAnchors(key, held, true).catch(this.#onError);
    // Not in Redis, the hole is owed by this store's next read of the session still.
    if (hole !== undefined) {
      void held.persisting?.then((still) => {
        if (!still) this.#owe(key, hole);
      });
    }
    const now = (interests.at(-1) ?? reader).topics;
    // A session created now counts the fan-outs from the read on: those made here before
    // it are not in its stream (the server pushes them to it, see `SessionRegistry`).
    const { fresh, lastId } = record;
    return {
      head,
      entries: owed ? undefined : entries,
      caughtUp: this.#log !== undefined && !fresh,
      fresh,
      topics: now,
      lastId,
    };
  }

  /**
   * The session's topics (a `sub`) or user (an anonymous session resumed by another socket)
   * changed on this server: fan-outs after the last one made are numbered by them, once Redis
   * has them, so that another server counts the same. While it is not live (a resume reads
   * it, or a read failed), the next read counts by them.
   */
  interest(session: string, holder: SessionHolder): void {
    const held = this.#sessions.get(session);
    const change = { since: this.#log?.made ?? 0, user: holder.userId, topics: [...holder.topics] };
    if (held?.phase === 'live') {
      if (held.changeInterest(change)) this.#persist(session, held);
    } else if (held?.phase === 'reading' || held?.phase === 'failed') held.noteChange(change);
  }

  /** A `last` below this is owed a resync by the session's next read here; 0 for none. */
  #owedBelow(key: string, held: HeldSession): number {
    return Math.max(held.owedBelow, this.#unkept.get(key) ?? 0);
  }

  /** Writes the session's interests: its pushes are written once Redis has them. */
  #persist(key: string, held: HeldSession): void {
    const { reads } = held;
    // Not kept, the pushes counted by them are not written, and the session ends here: its
    // next push or sweep ends its socket, and its worker resumes (and reads it again).
    const written = this.#writeAnchors(key, held, true).catch((error: unknown) => {
      this.#onError(error);
      if (this.#sessions.get(key) === held && held.reads === reads) held.phase = 'lost';
      return false;
    });
    held.persisting = written;
    void written.then(() => {
      if (held.persisting === written) held.persisting = undefined;
    });
  }

  makingFanout(): boolean {
    return this.#log?.making !== undefined;
  }

  seen(session: string, id: number, window: number): Promise<boolean> {
    return this.#ids.seen(session, id, window);
  }

  seenIfKept(session: string, id: number, window: number): Promise<boolean | undefined> {
    return this.#ids.seenIfKept(session, id, window);
  }

  passed(session: string, id: number): Promise<void> {
    return this.#ids.passed(session, id);
  }

  /** The server closed: the waits for held ids end (refused), and no PASSED is made again. */
  close(): void {
    this.#ids.close();
  }

  async touch(session: string): Promise<boolean> {
    const held = this.#sessions.get(session);
    if (held?.phase === 'lost') {
      this.#letGo(session, held);
      return false;
    }
    const reads = held?.reads;
    const still = await this.#checkpoints.write(this.#renewed(session), ['', '', '', '', '']);
    if (still || !held) return still;
    // A resume that began reading it since the question holds it again: it stays, socket too.
    if (held.reads !== reads) return true;
    this.#forget(session, held, reads);
    return false;
  }

  async drop(session: string): Promise<void> {
    const held = this.#sessions.get(session);
    // A direct push still waiting for a read that will not come is not kept.
    held?.fail();
    this.#sessions.delete(session);
    this.#unkept.delete(session);
    const keys = this.keys(session);
    if (Number(await this.#eval(DROP, keys, [this.#owner])) === 1) this.#forgetName(held, keys);
  }

  /**
   * A logout ended the session: gone for every server. With a fan-out, its end is numbered
   * among the fan-outs, so that a server that holds it lets it go before it numbers the next
   * one for it (see `ended`); without, every push is written, and refused once it is gone.
   * Made again when Redis does not answer (deleting twice, or the end numbered again under
   * the same token, does nothing more); throws when no attempt was answered.
   */
  async end(session: string, holder?: SessionHolder): Promise<void> {
    const held = this.#sessions.get(session);
    held?.fail();
    this.#sessions.delete(session);
    this.#unkept.delete(session);
    const keys = this.keys(session);
    // Its name stays, marked ended (review 25h; see `ReplayStore.end`): known where it was
    // held, or from the holder the registry names. Marked before the session goes, and made
    // again as the end is: a READ of the id between the two, or a mark never made, would
    // let the next login begin a session under it (review 25o).
    const name =
      held?.name ??
      (holder?.login !== undefined && holder.id !== undefined
        ? this.#nameOf(holder.userId, holder.id)
        : undefined);
    const unmarked =
      name &&
      (await attempts(() => this.#eval(END_NAME, [name], [keys[0], this.#ttl])).then(
        () => undefined,
        (error: unknown) => ({ error }),
      ));
    // Gone all the same, should the mark fail: the end, made again, marks it (review 25q).
    const endSession = this.#endSession;
    if (endSession) await endSession(keys, { k: 'e', s: session });
    else await attempts(() => this.#client.sendCommand(['DEL', ...keys]));
    if (unmarked) throw unmarked.error;
  }

  /**
   * The session was dropped: its name, known where it was held, goes with it (review 19a: a
   * name left for its TTL answered `keyOfLogin` with a session gone). Elsewhere, or when
   * Redis does not answer, it expires. A logout's `end` leaves it marked instead (END_NAME).
   */
  #forgetName(held: HeldSession | undefined, [hash]: readonly [string, ...string[]]): void {
    if (held?.name) this.#eval(FORGET_NAME, [held.name], [hash]).catch(this.#onError);
  }

  /**
   * A logout ended the session: its end is fan-out `n`. Held from a read before it, it is let
   * go (its next push or sweep ends its socket); held from a read after it (a session started
   * since under the same id), it stays; being read, the read checks which.
   */
  ended(session: string, n: number): void {
    const held = this.#sessions.get(session);
    if (held?.phase === 'live' && held.readAt < n) held.phase = 'lost';
    else if (held?.phase === 'reading') held.endedAt = Math.max(held.endedAt, n);
  }

  /**
   * The session's keys: its hash, stream and dedupe bitmap. The session's name is encoded
   * inside a hash tag, so a Redis Cluster keeps the three on one node.
   */
  keys(session: string): [hash: string, stream: string, bits: string] {
    const base = `${this.#prefix}{${Buffer.from(session).toString('base64url')}}`;
    return [`${base}:h`, `${base}:l`, `${base}:d`];
  }

  /** What CHECKPOINT renews of a session: its keys and its name (its hash for none). */
  #renewed(session: string): string[] {
    const keys = this.keys(session);
    return [...keys, this.#sessions.get(session)?.name ?? keys[0]];
  }

  /** The name of a login's session `id` of `user`, kept in a hash (see READ). */
  #nameOf(user: string, id: string): string {
    return `${this.#prefix}{${Buffer.from(JSON.stringify([user, id])).toString('base64url')}}:n`;
  }

  async keyOfLogin(user: string, id: string): Promise<string | undefined> {
    const name = this.#nameOf(user, id);
    const reply = await attempts(() => this.#client.sendCommand(['HMGET', name, 'k', 'e']));
    const [key, ended] = Array.isArray(reply) ? reply : [];
    // A name a logout's end left (END_NAME) names no session kept.
    return typeof key === 'string' && (ended === null || ended === undefined) ? key : undefined;
  }

  #heldSession(key: string): HeldSession {
    let held = this.#sessions.get(key);
    if (!held) {
      held = new HeldSession();
      this.#sessions.set(key, held);
    }
    return held;
  }

  /** Moves the session's anchors on when due: half the fan-outs kept, or half the pushes replayed. */
  #moveAnchors(key: string, held: HeldSession): void {
    const marks = Math.max(1, Math.floor((this.#log?.limit ?? Number.POSITIVE_INFINITY) / 2));
    if (
      held.moveAnchors(this.#log?.made ?? 0, marks, Math.max(1, Math.floor(this.#maxCount / 2)))
    ) {
      // Not kept, the older anchors in Redis still count right, only from further back.
      this.#writeAnchors(key, held, false).catch(this.#onError);
    }
  }

  /** Writes the anchors (and interests) of a session held here; answers whether it still is. */
  #writeAnchors(key: string, held: HeldSession, withInterests: boolean): Promise<boolean> {
    const { reads } = held;
    return this.#checkpoints
      .write(this.#renewed(key), held.checkpointArgs(withInterests))
      .then((still) => {
        if (!still) this.#forget(key, held, reads);
        return still;
      });
  }

  /**
   * Another server holds the session now (or Redis lost it): nothing is counted here. Unless
   * a resume began reading it after the question was asked (`reads`): that read makes this
   * server its owner again, and counts from the session it reads.
   */
  #forget(key: string, held: HeldSession, reads: number | undefined): void {
    if (this.#sessions.get(key) === held && held.reads === reads) this.#letGo(key, held);
  }

  /** The session is held here no more: a resync it is owed joins the marks of those not held. */
  #letGo(key: string, held: HeldSession): void {
    this.#sessions.delete(key);
    if (held.owedBelow > 0) this.#owe(key, held.owedBelow);
  }

  #eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    return this.#client.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args]);
  }
}

export type { RedisCommandClient, RedisStoreOptions };

function warn(error: unknown): void {
  process.emitWarning(
    error instanceof Error ? error : new Error(String(error)),
    'TabSocketRedisWarning',
  );
}
