import type { createClient } from 'redis';
import { createRedisStores, RedisFanout } from 'tabsocket/server/redis';

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
  /** The fan-out of the current socket server; stopped when that server closes. */
  #fanout: RedisFanout | undefined;

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

  /**
   * The stores for the next socket server, once the previous one's fan-out is stopped: its
   * replay store and its fan-out, starting (a publish made before it is up waits for it).
   */
  stores() {
    const { replayStore } = createRedisStores(this.#client, { prefix: this.#prefix });
    const fanout = new RedisFanout({
      publisher: this.#client,
      subscriber: this.#subscriber,
      prefix: this.#prefix,
      store: replayStore,
    });
    fanout.start().catch((error: unknown) => console.error('[demo] fan-out:', error));
    this.#fanout = fanout;
    return { replayStore, fanout };
  }

  /** Stops the current server's fan-out: the subscriber is shared by the servers in turn. */
  async stopFanout(): Promise<void> {
    const fanout = this.#fanout;
    this.#fanout = undefined;
    await fanout?.stop();
  }

  async close(): Promise<void> {
    await this.stopFanout();
    await this.#subscriber.quit();
  }
}
