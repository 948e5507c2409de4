/**
 * `tabsocket/server/redis`: the server's shared state on Redis, for several server processes
 * behind one load balancer. Needs the `redis` package (node-redis v5), an optional
 * peer dependency of tabsocket.
 *
 *   const client = await createClient({ url: process.env.REDIS_URL }).connect();
 *   const replay = { maxCount: 1000, maxAge: 120_000 };
 *   const { replayStore } = createRedisStores(client, { prefix: 'myapp:', replay });
 *   const presenceStore = new RedisPresenceStore(client, { prefix: 'myapp:' });
 *   const fanout = await createRedisFanout({
 *     publisher: client,
 *     subscriber: await client.duplicate().connect(),
 *     prefix: 'myapp:',
 *     store: replayStore, // a worker whose server died gets what was pushed meanwhile
 *   });
 *   const server = createTabSocketServer({ port: 8080, replay, replayStore, presenceStore, fanout });
 *   await server.push('alice', { text: 'hi' }); // every socket of alice, on every server
 *   // on shutdown: await server.close(); presenceStore.close(); await fanout.stop();
 */
import {
  type RedisCommandClient,
  RedisReplayStore,
  type RedisStoreOptions,
} from './redis-replay-store';

export {
  createRedisFanout,
  RedisFanout,
  type RedisFanoutOptions,
  type RedisSubscriber,
} from './redis-fanout';
export { type RedisPresenceOptions, RedisPresenceStore } from './redis-presence-store';
export { type RedisCommandClient, RedisReplayStore, type RedisStoreOptions };

export interface RedisStores {
  /** Push streams, their heads and the sessions' message ids: pass as `replayStore`. */
  replayStore: RedisReplayStore;
}

/** The stores of one server process on `client` (connected); one set per server. */
export function createRedisStores(
  client: RedisCommandClient,
  options: RedisStoreOptions = {},
): RedisStores {
  return { replayStore: new RedisReplayStore(client, options) };
}
