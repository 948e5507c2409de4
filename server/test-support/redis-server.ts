import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { type RedisClient, type RunningRedis, startRedisServer } from '../../dev/redis-server';

/**
 * A redis-server of the test file's own and a client connected to it. The client's errors
 * are expected (a test restarts the server under it), so they are listened to and dropped.
 */
async function startRedisWithClient(): Promise<{
  redis: RunningRedis;
  client: RedisClient;
}> {
  const redis = await startRedisServer();
  const client = createClient({ url: redis.url });
  client.on('error', () => {});
  await client.connect();
  return { redis, client };
}

async function stopRedisWithClient(
  redis: RunningRedis | undefined,
  client: RedisClient | undefined,
): Promise<void> {
  try {
    await client?.quit();
  } finally {
    await redis?.stop();
  }
}

/** A redis-server and a client of the test file's own: started before its tests, stopped after. */
export function redisForTheFile(): { readonly redis: RunningRedis; readonly client: RedisClient } {
  let started: { redis: RunningRedis; client: RedisClient } | undefined;
  beforeAll(async () => {
    started = await startRedisWithClient();
  }, 15_000);
  afterAll(() => stopRedisWithClient(started?.redis, started?.client));
  const get = () => {
    if (!started) throw new Error('redis-server is not started yet: use it inside a test');
    return started;
  };
  return {
    get redis() {
      return get().redis;
    },
    get client() {
      return get().client;
    },
  };
}
