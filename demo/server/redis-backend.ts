import type { createClient } from 'redis';
import type { TabSocketServer } from 'tabsocket/server';
import { createRedisFanout, createRedisStores, type RedisFanout } from 'tabsocket/server/redis';

type RedisClient = ReturnType<typeof createClient>;

/**
 * One demo node's share of Redis: each socket server it starts (a restart starts a new one)
 * gets a replay store of its own and a fan-out, so the node's publishes reach the tabs of
 * every node, and a worker resumes on any node.
 */
export class RedisBackend {
  readonly #client: RedisClient;
  readonly #subscriber: RedisClient;
  readonly #prefix: string;
  #fanout: Promise<RedisFanout | undefined> = Promise.resolve(undefined);

  private constructor(client: RedisClient, subscriber: RedisClient, prefix: string) {
    this.#client = client;
    this.#subscriber = subscriber;
    this.#prefix = prefix;
  }

  /** `client` is connected and shared by the nodes; each gets a subscriber of its own. */
  static async connect(client: RedisClient, prefix: string): Promise<RedisBackend> {
    const subscriber = client.duplicate();
    subscriber.on('error', (error) => console.error('[demo] redis subscriber:', error));
    await subscriber.connect();
    return new RedisBackend(client, subscriber, prefix);
  }

  /** The replay store for the next socket server. */
  replayStore() {
    return createRedisStores(this.#client, { prefix: this.#prefix }).replayStore;
  }

  /** Fans the publishes of `server` out to every node, from now on. */
  follow(server: TabSocketServer, store: ReturnType<RedisBackend['replayStore']>): void {
    const previous = this.#fanout;
    this.#fanout = previous.then(async (fanout) => {
      await fanout?.stop();
      return createRedisFanout(server, {
        publisher: this.#client,
        subscriber: this.#subscriber,
        prefix: this.#prefix,
        store,
      });
    });
    this.#fanout.catch((error: unknown) => console.error('[demo] fan-out:', error));
  }

  /** Publishes through Redis to every node (once the fan-out of the current server is up). */
  publish(topic: string, data: object): void {
    void this.#fanout.then((fanout) => fanout?.publish(topic, data));
  }

  async close(): Promise<void> {
    const fanout = await this.#fanout.catch(() => undefined);
    await fanout?.stop();
    await this.#subscriber.quit();
  }
}
