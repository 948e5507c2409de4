/**
 * Review (issue 19): a starting server holds the fan-outs that reach it before it read the
 * kept ones (redis-fanout.ts), then makes them through `FanoutLog.make`, which drops each
 * numbered at or below the counter `begin` read: the server was subscribed when it was
 * published, but it never reaches this server's sockets. A worker whose session this server
 * already holds misses it with no `resync`: here one that resumed as soon as the restarted
 * server listened, before `createRedisFanout` (the README's own start order: the server,
 * then `await subscriber.connect()`, then the fan-out). This server then numbers the next
 * push as the one it missed, where any other server counts it one higher (invariant 1:
 * once, in order; numbering agrees).
 */
import type { createClient } from 'redis';
import { afterEach, expect, it } from 'vitest';
import { createRedisFanout, createRedisStores, type RedisFanout } from '../redis/index';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';

const shared = redisForTheFile();
const subscribers: ReturnType<typeof createClient>[] = [];
const fanouts: RedisFanout[] = [];
const harness = new Harness();

afterEach(async () => {
  for (const fanout of fanouts.splice(0)) await fanout.stop();
  for (const subscriber of subscribers.splice(0)) await subscriber.quit();
  await harness.dispose();
});

const prefix = 'beforebegin:';

async function server() {
  const { replayStore } = createRedisStores(shared.client, { prefix });
  const started = await harness.start({
    replayStore,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  /** Starts its fan-out; `whileStarting` runs once subscribed, before the kept ones are read. */
  const startFanout = async (whileStarting?: (heard: () => number) => Promise<void>) => {
    const subscriber = shared.client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    subscribers.push(subscriber);
    let heard = 0;
    const fanout = await createRedisFanout(started.server, {
      publisher: shared.client,
      subscriber: {
        subscribe: async (channel, listener) => {
          await subscriber.subscribe(channel, (message, from) => {
            heard += 1;
            listener(message, from);
          });
          await whileStarting?.(() => heard);
        },
        unsubscribe: (channel) => subscriber.unsubscribe(channel),
      },
      prefix,
      store: replayStore,
    });
    fanouts.push(fanout);
    return fanout;
  };
  return { ...started, startFanout };
}

const pushes = (socket: TestClient) =>
  socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
    text?: string;
  }>;

it('gives a session it holds a fan-out that reached it while it started', async () => {
  const a = await server();
  const aFanout = await a.startFanout();
  // A restarted server takes sockets as soon as it listens: a worker resumes here first.
  const c = await server();
  const onC = await harness.connect(`${c.url}/?user=ann`);
  expect(await onC.resume('s1')).toMatchObject({ $ts: 'resumed', seq: 0 });
  await c.startFanout(async (heard) => {
    await aFanout.push('ann', 'made while C started');
    await waitUntil(() => heard() === 1, 'C to hear it');
  });
  await aFanout.push('ann', 'made after');
  await waitUntil(() => pushes(onC).some((push) => push.text === 'made after'), 'the later push');
  expect(pushes(onC).map((push) => [push.seq, push.text])).toEqual([
    [1, 'made while C started'],
    [2, 'made after'],
  ]);
});
