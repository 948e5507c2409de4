import { randomUUID } from 'node:crypto';
import type { PushData } from '../outbound-frame';
import type { RedisCommandClient } from './redis-replay-store';

/** What the fan-out needs of a dedicated node-redis connection (`client.duplicate()`). */
export interface RedisSubscriber {
  subscribe(
    channel: string,
    listener: (message: string, channel: string) => unknown,
  ): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
}

/** The server's own push, broadcast and publish: `TabSocketServer` has them. */
export interface FanoutTarget {
  push(userId: string, data: PushData): number;
  broadcast(data: PushData): number;
  publish(topic: string, data: PushData): number;
}

export interface RedisFanoutOptions {
  /** A connected client for PUBLISH (the stores' client will do). */
  publisher: RedisCommandClient;
  /** A connected client of its own: a subscribed connection runs no other command. */
  subscriber: RedisSubscriber;
  /** The same prefix as the stores': the servers of one app share one channel. */
  prefix?: string;
  /** A publish failed (that push reached this server only). Default: a process warning. */
  onError?: (error: unknown) => void;
}

type FanoutMessage =
  | { o: string; k: 'u'; u: string; d: PushData }
  | { o: string; k: 'b'; d: PushData }
  | { o: string; k: 't'; t: string; d: PushData };

/**
 * `push`, `broadcast` and `publish` for every server of an app: each is made on this server
 * at once, and published on one Redis channel that every other server turns into the same
 * call on its own sockets and sessions.
 *
 * A session is numbered once per push wherever it is remembered: only the server that
 * resumed it last may log to it (see `RedisReplayStore`), the others forget their copy.
 * Pub/sub delivers at most once: a server cut off from Redis misses what is published
 * meanwhile (its sessions' workers then miss those pushes; see the README's Redis section).
 */
export class RedisFanout implements FanoutTarget {
  readonly #server: FanoutTarget;
  readonly #options: RedisFanoutOptions;
  readonly #channel: string;
  /** This server's name on the channel: its own messages come back and are skipped. */
  readonly #origin = randomUUID();

  constructor(server: FanoutTarget, options: RedisFanoutOptions) {
    this.#server = server;
    this.#options = options;
    this.#channel = `${options.prefix ?? 'tabsocket:'}fanout`;
  }

  /** Resolves once subscribed: from then on, what other servers push reaches this one. */
  async start(): Promise<void> {
    await this.#options.subscriber.subscribe(this.#channel, this.#receive);
  }

  async stop(): Promise<void> {
    await this.#options.subscriber.unsubscribe(this.#channel);
  }

  /** Answers how many sockets and sessions of this server it was written to. */
  push(userId: string, data: PushData): number {
    const written = this.#server.push(userId, data);
    this.#send({ o: this.#origin, k: 'u', u: userId, d: data });
    return written;
  }

  broadcast(data: PushData): number {
    const written = this.#server.broadcast(data);
    this.#send({ o: this.#origin, k: 'b', d: data });
    return written;
  }

  publish(topic: string, data: PushData): number {
    const written = this.#server.publish(topic, data);
    this.#send({ o: this.#origin, k: 't', t: topic, d: data });
    return written;
  }

  #send(message: FanoutMessage): void {
    this.#options.publisher
      .sendCommand(['PUBLISH', this.#channel, JSON.stringify(message)])
      .catch(this.#report);
  }

  readonly #receive = (text: string): void => {
    try {
      const message = JSON.parse(text) as FanoutMessage;
      if (message.o === this.#origin) return;
      if (message.k === 'u') this.#server.push(message.u, message.d);
      else if (message.k === 'b') this.#server.broadcast(message.d);
      else if (message.k === 't') this.#server.publish(message.t, message.d);
    } catch (error) {
      this.#report(error);
    }
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

/** The fan-out of `server` across every server on the same Redis and prefix, subscribed. */
export async function createRedisFanout(
  server: FanoutTarget,
  options: RedisFanoutOptions,
): Promise<RedisFanout> {
  const fanout = new RedisFanout(server, options);
  await fanout.start();
  return fanout;
}
