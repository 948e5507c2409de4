/** Fan-out across servers on one real redis-server (started by the test, as the store's). */
import type { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';
import {
  type RedisClient,
  type RunningRedis,
  startRedisWithClient,
  stopRedisWithClient,
} from '../test-support/redis-server';
import { createRedisFanout, createRedisStores, type RedisFanout } from './index';

let redis: RunningRedis;
let client: RedisClient;
const subscribers: ReturnType<typeof createClient>[] = [];
const fanouts: RedisFanout[] = [];
const harness = new Harness();
let prefixes = 0;

beforeAll(async () => {
  ({ redis, client } = await startRedisWithClient());
}, 15_000);

afterEach(async () => {
  for (const fanout of fanouts.splice(0)) await fanout.stop();
  for (const subscriber of subscribers.splice(0)) await subscriber.quit();
  await harness.dispose();
});

afterAll(() => stopRedisWithClient(redis, client));

/** Two servers of one app on the Redis, each with its fan-out. */
async function cluster(remember?: number) {
  const prefix = `fanout${++prefixes}:`;
  const node = async () => {
    const { replayStore } = createRedisStores(client, { prefix });
    const started = await harness.start({
      replayStore,
      authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    });
    const subscriber = client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    subscribers.push(subscriber);
    const fanout = await createRedisFanout(started.server, {
      publisher: client,
      subscriber,
      prefix,
      store: replayStore,
      ...(remember === undefined ? {} : { remember }),
    });
    fanouts.push(fanout);
    return { ...started, fanout };
  };
  return [await node(), await node()] as const;
}

function pushes(socket: TestClient): Array<{ seq: number; data?: unknown; text?: string }> {
  return socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
    data?: unknown;
    text?: string;
  }>;
}

describe('RedisFanout', () => {
  it('takes push, broadcast and publish made on one server to the sockets of every server', async () => {
    const [a, b] = await cluster();
    const annOnA = await harness.connect(`${a.url}/?user=ann`);
    await annOnA.resume('s1');
    annOnA.send({ $ts: 'sub', topics: ['prices'] });
    const annOnB = await harness.connect(`${b.url}/?user=ann`);
    await annOnB.resume('s2');
    const bobOnB = await harness.connect(`${b.url}/?user=bob`);
    await bobOnB.resume('s1');
    await waitUntil(() => a.server.stats().framesIn >= 2, 'the sub on A');

    a.fanout.push('ann', { n: 1 });
    // Pushes made on two servers have no order between them: this one first, everywhere.
    await waitUntil(() => pushes(annOnB).length === 1, 'the push on B');
    b.fanout.broadcast('all');
    b.fanout.publish('prices', { price: 12 });
    await waitUntil(() => pushes(annOnA).length === 3, 'three pushes on A');
    await waitUntil(() => pushes(annOnB).length === 2 && pushes(bobOnB).length === 1, 'on B');
    expect(pushes(annOnA)).toEqual([
      { $ts: 'push', seq: 1, data: { n: 1 } },
      { $ts: 'push', seq: 2, text: 'all' },
      { $ts: 'push', seq: 3, data: { topic: 'prices', price: 12 } },
    ]);
    expect(pushes(annOnB)).toEqual([
      { $ts: 'push', seq: 1, data: { n: 1 } },
      { $ts: 'push', seq: 2, text: 'all' },
    ]);
    expect(pushes(bobOnB)).toEqual([{ $ts: 'push', seq: 1, text: 'all' }]);
  });

  it('numbers a push once per session when the worker moved: the server it left logs nothing', async () => {
    const [a, b] = await cluster();
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    a.fanout.push('ann', 1);
    await waitUntil(() => pushes(onA).length === 1, 'the push on A');
    onA.socket.terminate();
    await waitUntil(() => a.server.stats().openSockets === 0, 'A to see the socket go');
    // A still remembers the session, detached, when the worker resumes through B.
    const onB = await harness.connect(`${b.url}/?user=ann`);
    expect(await onB.resume('s1', 1)).toMatchObject({ $ts: 'resumed', seq: 1 });
    for (let n = 2; n <= 50; n++) (n % 2 ? a : b).fanout.push('ann', n);
    await waitUntil(() => pushes(onB).length === 49, 'every push on B');
    expect(pushes(onB).map((push) => push.seq)).toEqual(
      Array.from({ length: 49 }, (_, index) => index + 2),
    );
    expect(
      pushes(onB)
        .map((push) => push.data as number)
        .sort((x, y) => x - y),
    ).toEqual(Array.from({ length: 49 }, (_, index) => index + 2));
    expect(a.server.stats().sessions).toBe(0);
  });

  it('gives a worker that resumes on another server the fan-outs made while its server was dead', async () => {
    const [a, b] = await cluster();
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await onA.resume('s1');
    b.fanout.push('ann', 1);
    await waitUntil(() => pushes(onA).length === 1, 'the push on A');
    // A "dies": it makes no more fan-outs and its socket is gone; no server has the session.
    await a.fanout.stop();
    onA.socket.terminate();
    const witness = await harness.connect(`${b.url}/?user=ann`);
    await witness.resume('w1');
    // The worker's new socket is open on B, not resumed yet: B writes it these pushes as
    // they come and remembers them, but they reach the session once, through its log.
    const onB = await harness.connect(`${b.url}/?user=ann`);
    void b.fanout.push('ann', 2);
    void b.fanout.push('bob', 'not for ann');
    void b.fanout.broadcast('all');
    await waitUntil(() => pushes(witness).length === 2, 'B to make the fan-outs');
    expect(await onB.resume('s1', 1)).toMatchObject({ $ts: 'resumed', seq: 3 });
    b.fanout.push('ann', 4);
    await waitUntil(() => pushes(onB).length === 3, 'the replay and the next push on B');
    expect(pushes(onB)).toEqual([
      { $ts: 'push', seq: 2, data: 2 },
      { $ts: 'push', seq: 3, text: 'all' },
      { $ts: 'push', seq: 4, data: 4 },
    ]);
  });

  it('tells the worker to resync when it may have missed a fan-out its new server cannot give', async () => {
    for (const [remember, missed] of [
      [
        2,
        (fanout: RedisFanout) => {
          for (const n of [1, 2, 3]) void fanout.push('ann', n);
        },
      ],
      [100, (fanout: RedisFanout) => fanout.publish('prices', { price: 1 })],
    ] as const) {
      const [a, b] = await cluster(remember);
      const onA = await harness.connect(`${a.url}/?user=ann`);
      await onA.resume('s1');
      await a.fanout.stop();
      onA.socket.terminate();
      const witness = await harness.connect(`${b.url}/?user=ann`);
      await witness.resume('w1');
      witness.send({ $ts: 'sub', topics: ['prices'] });
      await waitUntil(() => b.server.stats().framesIn >= 2, 'the sub on B');
      const before = pushes(witness).length;
      missed(b.fanout);
      b.fanout.broadcast('mark');
      await waitUntil(() => pushes(witness).at(-1)?.text === 'mark', 'B to make the fan-outs');
      expect(pushes(witness).length).toBeGreaterThan(before);
      const onB = await harness.connect(`${b.url}/?user=ann`);
      expect(await onB.resume('s1', 0)).toMatchObject({ $ts: 'resync' });
    }
  });
});
