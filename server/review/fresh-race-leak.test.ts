/**
 * Review (issue 19): two resumes of the same session Redis does not know, racing on one
 * server (a worker's half-open socket and its new one). The first read finds it fresh: the
 * registry evicts the session (DROP) and starts a new id. The second, queued behind it, then
 * reads the old id again: READ creates its hash with this server as owner, the store holds it
 * live in memory, and the registry answers `evicted`. No session of the registry names that
 * key any more, so nothing drops it, and the store's anchor writes on each run of fan-outs
 * renew its TTL: a session nobody has stays in Redis and in the store's memory as long as the
 * server runs (invariant 4).
 */
import type { createClient } from 'redis';
import { afterEach, expect, it } from 'vitest';
import { createRedisFanout, type RedisFanout, RedisReplayStore } from '../redis/index';
import { Harness, waitUntil } from '../test-support/harness';
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

const isRead = (args: ReadonlyArray<string>) =>
  args.some((arg) => arg.includes("local fresh = '0'"));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('keeps nothing of a session two racing resumes found gone, once its ttl passed', async () => {
  const prefix = 'freshleak:';
  let gate: Promise<void> | undefined;
  let open = () => {};
  const client = {
    async sendCommand(args: ReadonlyArray<string>) {
      const answer = shared.client.sendCommand([...args]);
      if (gate && isRead(args)) {
        const wait = gate;
        gate = undefined;
        await wait;
      }
      return answer;
    },
  };
  const ttl = 300;
  const replayStore = new RedisReplayStore(client, { prefix, ttl, onError: () => {} });
  const { server, url } = await harness.start({
    replayStore,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  server.on('storeError', () => {});
  const subscriber = shared.client.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
  subscribers.push(subscriber);
  const fanout = await createRedisFanout(server, {
    publisher: shared.client,
    subscriber,
    prefix,
    store: replayStore,
    remember: 8,
  });
  fanouts.push(fanout);

  gate = new Promise((resolve) => {
    open = resolve;
  });
  const halfOpen = await harness.connect(`${url}/?user=ann`);
  const fresh = await harness.connect(`${url}/?user=ann`);
  const first = halfOpen.resume('gone', 5);
  await waitUntil(() => server.stats().framesIn === 1, 'the first resume');
  const second = fresh.resume('gone', 5);
  await waitUntil(() => server.stats().framesIn === 2, 'the second resume, queued');
  open();
  expect(await first).toMatchObject({ $ts: 'resync', seq: 0, session: expect.any(String) });
  await second;

  // Fan-outs go on (for another user), for several ttl.
  const until = Date.now() + 4 * ttl;
  while (Date.now() < until) {
    await fanout.push('bob', 'tick');
    await sleep(20);
  }
  const [hash] = replayStore.keys(JSON.stringify(['ann', 'gone']));
  expect(Number(await shared.client.exists(hash)), 'the old id, held by nobody').toBe(0);
}, 10_000);
