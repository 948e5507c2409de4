import { randomUUID } from 'node:crypto';
import { InvalidOptionError } from '../../protocol/errors';
import type { FanoutChannel, FanoutMessage, FanoutTarget } from '../stores';
import { FanoutLog, type LoggedFanout, type LoggedMessage } from './fanout-log';
import type { RedisCommandClient, RedisReplayStore } from './redis-replay-store';
import { END_SESSION, PUBLISH_FANOUT, RECENT_FANOUTS } from './scripts';

/** What the fan-out needs of a dedicated node-redis connection (`client.duplicate()`). */
export interface RedisSubscriber {
  subscribe(
    channel: string,
    listener: (message: string, channel: string) => unknown,
  ): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
}

export interface RedisFanoutOptions {
  /** A connected client for PUBLISH (the stores' client will do). */
  publisher: RedisCommandClient;
  /** A connected client of its own: a subscribed connection runs no other command. */
  subscriber: RedisSubscriber;
  /** The same prefix as the stores': the servers of one app share one channel. */
  prefix?: string;
  /**
   * The server's replay store (from `createRedisStores`): give it, so that a session whose
   * server died gets, when its worker resumes here, the fan-outs made meanwhile.
   */
  store?: RedisReplayStore;
  /**
   * Fan-outs remembered, by each server and in Redis (default 10,000): a session is counted
   * from those, so a worker whose session's anchors are further behind resyncs.
   */
  remember?: number;
  /** A publish failed (that push reached no server). Default: a process warning. */
  onError?: (error: unknown) => void;
  /**
   * This server missed `count` fan-outs (its subscriber was cut off from Redis, or Redis
   * restarted). Default: a process warning, and every socket of the server is ended, so
   * that each worker resumes and, as what it missed is not known, resyncs.
   */
  onMissed?: (count: number) => void;
}

const DEFAULT_REMEMBER = 10_000;
/**
 * Times a fan-out is sent before it is given up: node-redis sends a command made while it
 * reconnects once it is back, so a second attempt waits for Redis rather than a timer.
 */
const SEND_ATTEMPTS = 3;

/**
 * The server's `push`, `broadcast` and `publish` for every server of an app (give it as the
 * server's `fanout` option): Redis numbers each and publishes it on one channel, and every
 * server, this one included, makes it on its own sockets and sessions in the order of the
 * numbers. Fan-outs made before the server is given it reach no socket of it (it has none),
 * and are remembered all the same.
 *
 * A fan-out is numbered for a session by the server that holds it, in memory, and counted
 * the same by any server its worker resumes on, from the fan-outs that server remembers (see
 * `RedisReplayStore`): Redis keeps the last `remember` of them too, for a server that starts.
 * Pub/sub delivers at most once: a server cut off from Redis misses what is published
 * meanwhile (see docs/redis.md).
 */
export class RedisFanout implements FanoutChannel {
  /** The server it makes the fan-outs on, once given to one. */
  #target: FanoutTarget | undefined;
  readonly #options: RedisFanoutOptions;
  readonly #channel: string;
  readonly #counter: string;
  /** The last fan-outs, kept for a server that starts. */
  readonly #stream: string;
  readonly #log: FanoutLog;
  /** This fan-out's name in the tokens of its calls, and the calls made. */
  readonly #name = randomUUID();
  #sent = 0;
  /** Fan-outs received while a gap is filled, or before the kept ones are read, in order. */
  #waiting: string[] | undefined;
  /** The start under way, if any: a send made meanwhile waits for it. */
  #starting: Promise<void> | undefined;

  constructor(options: RedisFanoutOptions) {
    const prefix = options.prefix ?? 'tabsocket:';
    this.#options = options;
    this.#channel = `${prefix}fanout`;
    this.#counter = `${prefix}fanout:n`;
    this.#stream = `${prefix}fanout:log`;
    this.#log = new FanoutLog(options.remember ?? DEFAULT_REMEMBER);
    // Read by a resume, which only the server this fan-out was given to makes.
    options.store?.followFanout(
      this.#log,
      (message) => this.#target?.bodyOf(message) ?? '',
      (keys, end) => this.#number(END_SESSION, end, keys),
    );
  }

  /** Called by the server given this fan-out as its `fanout` option; one server only. */
  attach(target: FanoutTarget): void {
    if (this.#target) {
      throw new InvalidOptionError(
        'tabsocket: "fanout" is given to a server already: one fan-out (and one set of stores) per server',
      );
    }
    this.#target = target;
  }

  /**
   * Resolves once subscribed: from then on, what any server pushes reaches this one. A
   * `send` made meanwhile waits for it: published before, it would reach every server but
   * this one.
   */
  start(): Promise<void> {
    const starting = this.#subscribe().finally(() => {
      if (this.#starting === starting) this.#starting = undefined;
    });
    this.#starting = starting;
    return starting;
  }

  async #subscribe(): Promise<void> {
    // One that comes before the kept ones are read waits: made first, it would start the log
    // after them, and no session could be counted from them.
    this.#waiting = [];
    try {
      await this.#options.subscriber.subscribe(this.#channel, this.#receive);
      const reply = await this.#recent();
      // The fan-outs made before this server started: a worker whose server died resumes here.
      // Those heard since it subscribed are made here after them, even numbered before the
      // read: a session this server holds already was routed them.
      const first = this.#waiting[0];
      const heard = first === undefined ? Number.NaN : fanoutNumber(first);
      const before = Math.min(Number(reply[0]), Number.isSafeInteger(heard) ? heard - 1 : Infinity);
      this.#log.begin(
        before,
        keptFanouts(reply).filter((fanout) => fanout.n <= before),
      );
    } finally {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      for (const text of waiting) this.#receive(text);
    }
  }

  async stop(): Promise<void> {
    this.#log.stop();
    await this.#options.subscriber.unsubscribe(this.#channel);
  }

  /**
   * To every server (this one too, through Redis). Resolves with the fan-out's number once
   * Redis published it. A call Redis does not answer is made again (up to 3 times in all),
   * and answered the number it got if it ran: never made twice. Undefined when no attempt
   * was answered (reported through `onError`): not known whether it was made (an answer
   * lost after Redis ran it), so sending it again may deliver it twice.
   */
  send(message: FanoutMessage): Promise<number | undefined> {
    const starting = this.#starting;
    if (!starting) return this.#publish(message);
    const publish = () => this.#publish(message);
    return starting.then(publish, publish);
  }

  async #publish(message: FanoutMessage): Promise<number | undefined> {
    try {
      return await this.#number(PUBLISH_FANOUT, message, []);
    } catch (error) {
      this.#report(error);
      return undefined;
    }
  }

  /**
   * Numbers `message` among the fan-outs and publishes it with `script` (PUBLISH_FANOUT's keys
   * and arguments, then `keys`), made again as `send` says; throws when no attempt was answered.
   */
  async #number(script: string, message: LoggedMessage, keys: readonly string[]): Promise<number> {
    this.#sent += 1;
    const args = [
      'EVAL',
      script,
      String(2 + keys.length),
      this.#counter,
      this.#stream,
      ...keys,
      this.#channel,
      JSON.stringify(message),
      String(this.#log.limit),
      `${this.#name}:${this.#sent}`,
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        return Number(
          await this.#options.publisher.sendCommand([...args, attempt > 1 ? '1' : '0']),
        );
      } catch (error) {
        if (attempt === SEND_ATTEMPTS) throw error;
      }
    }
  }

  /** The last fan-out's number, then the last `remember` kept (see RECENT_FANOUTS). */
  async #recent(): Promise<unknown[]> {
    return (await this.#options.publisher.sendCommand([
      'EVAL',
      RECENT_FANOUTS,
      '2',
      this.#counter,
      this.#stream,
      String(this.#log.limit),
    ])) as unknown[];
  }

  readonly #receive = (text: string): void => {
    if (this.#waiting) this.#waiting.push(text);
    else this.#take(text, true);
  };

  #take(text: string, fillGap: boolean): void {
    try {
      const n = fanoutNumber(text);
      const message = JSON.parse(text.slice(text.indexOf(' ') + 1)) as LoggedMessage;
      const { made } = this.#log;
      if (fillGap && made !== 0 && n > made + 1) {
        // Missed while cut off from Redis: made from the fan-out stream first, in order.
        this.#waiting = [text];
        void this.#fillGap();
        return;
      }
      this.#make(n, message);
    } catch (error) {
      this.#report(error);
    }
  }

  #make(n: number, message: LoggedMessage): void {
    const missed = this.#log.make(n, message, () => {
      if (message.k === 'e') this.#options.store?.ended(message.s, n);
      else this.#target?.make(message);
    });
    if (missed > 0) (this.#options.onMissed ?? this.#endSockets)(missed);
  }

  /** Makes the fan-outs Redis still keeps after the last made here, then those that waited. */
  async #fillGap(): Promise<void> {
    try {
      for (const fanout of keptFanouts(await this.#recent())) {
        if (fanout.n === this.#log.made + 1) this.#make(fanout.n, fanout.message);
      }
    } catch (error) {
      this.#report(error);
    }
    const waiting = this.#waiting ?? [];
    this.#waiting = undefined;
    // A gap still there is missed for good: said once (`onMissed`), not filled again.
    for (const text of waiting) this.#take(text, false);
  }

  /** The sessions here may lack fan-outs: their workers resume, and resync. */
  readonly #endSockets = (missed: number): void => {
    process.emitWarning(
      `missed ${missed} fan-outs: ending every socket so that each worker resyncs`,
      'TabSocketFanoutWarning',
    );
    this.#target?.endSockets();
  };

  readonly #report = (error: unknown): void => {
    if (this.#options.onError) {
      this.#options.onError(error);
      return;
    }
    process.emitWarning(
      error instanceof Error ? error : new Error(String(error)),
      'TabSocketFanoutWarning',
    );
  };
}

/**
 * A fan-out across every server on the same Redis and prefix, subscribed: give it to one
 * server as its `fanout` option.
 */
export async function createRedisFanout(options: RedisFanoutOptions): Promise<RedisFanout> {
  const fanout = new RedisFanout(options);
  await fanout.start();
  return fanout;
}

/** The number of a fan-out as it goes over the channel ("<number> <message>"). */
function fanoutNumber(text: string): number {
  return Number(text.slice(0, text.indexOf(' ')));
}

/** The fan-outs in a RECENT_FANOUTS reply, oldest first; one that cannot be read is left out. */
function keptFanouts(reply: unknown[]): LoggedFanout[] {
  const kept: LoggedFanout[] = [];
  for (let index = reply.length - 3; index >= 1; index -= 3) {
    try {
      const message = JSON.parse(String(reply[index + 2])) as LoggedMessage;
      const at = Number.parseInt(String(reply[index]), 10);
      kept.push({ n: Number(reply[index + 1]), message, at });
    } catch {
      // Not ours to read: what follows is counted from after it.
    }
  }
  return kept;
}
