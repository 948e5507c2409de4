import { randomUUID } from 'node:crypto';
import { duration, integer } from '../../protocol/option-checks';
import { pushPayload } from '../outbound-frame';
import type {
  PushEntry,
  PushPayload,
  ReplayRead,
  ReplayStore,
  SessionHolder,
} from '../replay-store';
import type { FanoutLog } from './fanout-log';
import { APPEND, APPEND_MANY, DROP, READ, SEEN, TOUCH } from './scripts';

/**
 * What the store needs of a client: node-redis's `sendCommand` (v5, from
 * `createClient()`), connected. One client, so that the commands of one session reach Redis
 * in the order they are made.
 */
export interface RedisCommandClient {
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>;
}

export interface RedisStoreOptions {
  /**
   * Put before every key, so that two apps (or two tests) can share one Redis. Default
   * `'tabsocket:'`. Without `{` or `}`: a session's keys carry a hash tag of their own.
   */
  prefix?: string;
  /** Give the same values as the server's `replay` option. */
  replay?: { maxCount?: number; maxAge?: number };
  /**
   * Milliseconds a session's state lives in Redis after it was last touched: by a resume,
   * a message, or the sweep of the server that holds its socket (at most a quarter of
   * `maxAge` apart). Default twice `replay.maxAge`, so it outlives the server's own wait for
   * the worker, and a server that dies leaves nothing behind for long.
   */
  ttl?: number;
}

/** Sessions appended to by one script of `appendMany`. */
const APPEND_BATCH = 256;
/** The defaults of the server's `replay` option. */
const DEFAULT_MAX_COUNT = 1_000;
const DEFAULT_MAX_AGE = 120_000;

/**
 * Sessions on Redis, shared by every server process that uses the same Redis and prefix:
 * a stream per session (trimmed every 32 pushes, by `XTRIM MAXLEN ~` and by age with
 * `MINID`), its head, its dedupe window and its owner (the store that resumed it last) in
 * a hash, all with a TTL. A worker resumes on any of them; only the owner appends, so a
 * push is numbered once per session.
 *
 * Scripts go as `EVAL` (Redis caches them compiled): an `EVALSHA` answered `NOSCRIPT` after
 * a Redis restart would be sent again behind the commands made after it, out of order.
 */
export class RedisReplayStore implements ReplayStore {
  readonly #client: RedisCommandClient;
  readonly #prefix: string;
  readonly #maxCount: string;
  readonly #maxAge: string;
  readonly #ttl: string;
  /** This store's name in Redis: the sessions it resumed last are its to log and drop. */
  readonly #owner = randomUUID();
  /** The fan-outs of this server, once a fan-out follows this store. */
  #log: FanoutLog | undefined;

  constructor(client: RedisCommandClient, options: RedisStoreOptions = {}) {
    const prefix = options.prefix ?? 'tabsocket:';
    if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
      throw new TypeError('Invalid prefix: expected a string without { or }');
    }
    const maxCount = options.replay?.maxCount ?? DEFAULT_MAX_COUNT;
    const maxAge = options.replay?.maxAge ?? DEFAULT_MAX_AGE;
    const ttl = options.ttl ?? 2 * maxAge;
    integer(0)(maxCount, 'replay.maxCount');
    duration(1)(maxAge, 'replay.maxAge');
    duration(1)(ttl, 'ttl');
    this.#client = client;
    this.#prefix = prefix;
    this.#maxCount = String(maxCount);
    this.#maxAge = String(maxAge);
    this.#ttl = String(ttl);
  }

  /**
   * The fan-out `log` of this server (`createRedisFanout` with `store`): pushes carry the
   * fan-out mark, and a resume appends the fan-outs the session's previous server missed.
   */
  followFanout(log: FanoutLog): void {
    this.#log = log;
  }

  async append(session: string, payload: PushPayload): Promise<number | undefined> {
    const [hash, stream] = this.keys(session);
    const reply = Number(await this.#eval(APPEND, [hash, stream], this.#appendArgs(payload)));
    return reply < 0 ? undefined : reply;
  }

  /**
   * One EVAL per 256 sessions: a fan-out to 1,000 sessions is 4 round trips, and Redis is
   * never held by one script for long. Not for Redis Cluster: the keys span slots.
   */
  async appendMany(sessions: string[], payload: PushPayload): Promise<(number | undefined)[]> {
    const args = this.#appendArgs(payload);
    const batches: Promise<unknown>[] = [];
    for (let start = 0; start < sessions.length; start += APPEND_BATCH) {
      const keys: string[] = [];
      for (const session of sessions.slice(start, start + APPEND_BATCH)) {
        const [hash, stream] = this.keys(session);
        keys.push(hash, stream);
      }
      batches.push(this.#eval(APPEND_MANY, keys, args));
    }
    const numbers: (number | undefined)[] = [];
    for (const reply of await Promise.all(batches)) {
      for (const seq of reply as unknown[]) numbers.push(Number(seq) < 0 ? undefined : Number(seq));
    }
    return numbers;
  }

  async read(
    session: string,
    last: number | undefined,
    holder?: SessionHolder,
  ): Promise<ReplayRead> {
    const valid = last !== undefined && Number.isSafeInteger(last) && last >= 0;
    const args = [valid ? String(last) : '', this.#maxCount, this.#maxAge, this.#ttl, this.#owner];
    if (this.#log) {
      const { made, completeAfter, entries } = this.#log.catchUp(holder);
      args.push(String(made), String(completeAfter));
      for (const [n, body] of entries) args.push(String(n), body);
    }
    const reply = (await this.#eval(READ, this.keys(session), args)) as unknown[];
    const head = Number(reply[0]);
    // Only said when the catch-up ran (a store with a fan-out).
    const caught = Number(reply[2]) === 1 ? { caughtUp: true } : {};
    if (last === undefined || Number(reply[1]) !== 1)
      return { head, entries: undefined, ...caught };
    const entries: PushEntry[] = [];
    for (let index = 3; index < reply.length; index += 2) {
      entries.push({ seq: Number(reply[index]), payload: pushPayload(String(reply[index + 1])) });
    }
    return { head, entries, ...caught };
  }

  makingFanout(): boolean {
    return this.#log?.making !== undefined;
  }

  async seen(session: string, id: number, window: number): Promise<boolean> {
    const [hash, , bits] = this.keys(session);
    const reply = await this.#eval(SEEN, [hash, bits], [String(id), String(window), this.#ttl]);
    return Number(reply) === 1;
  }

  async touch(session: string): Promise<boolean> {
    const made = this.#log ? String(this.#log.made) : '';
    return (
      Number(await this.#eval(TOUCH, this.keys(session), [this.#ttl, this.#owner, made])) === 1
    );
  }

  async drop(session: string): Promise<void> {
    await this.#eval(DROP, this.keys(session), [this.#owner]);
  }

  /**
   * The session's keys: its hash, stream and dedupe bitmap. The session's name is encoded
   * inside a hash tag, so a Redis Cluster keeps the three on one node.
   */
  keys(session: string): [hash: string, stream: string, bits: string] {
    const base = `${this.#prefix}{${Buffer.from(session).toString('base64url')}}`;
    return [`${base}:h`, `${base}:l`, `${base}:d`];
  }

  /** An append's ARGV: the push, the limits, and the fan-out mark (see APPEND_ONE). */
  #appendArgs(payload: PushPayload): string[] {
    const args = [payload.body, this.#maxCount, this.#maxAge, this.#ttl, this.#owner];
    const making = this.#log?.making;
    if (making !== undefined) args.push(String(making), 'f');
    else if (this.#log) args.push(String(this.#log.made), 'p');
    return args;
  }

  #eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    return this.#client.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args]);
  }
}
