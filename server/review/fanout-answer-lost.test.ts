/**
 * Review (issue 19): `RedisFanout.push` resolves undefined when the publish "failed", and
 * says "then no server made it". A PUBLISH_FANOUT that Redis ran but whose answer was lost
 * (a timeout, a cut connection) was made on every server all the same: an app that trusts
 * the answer and pushes again delivers it twice (invariant 1: each push once).
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

const pushes = (socket: TestClient) =>
  socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push');

it('makes no push it answered as failed', async () => {
  const prefix = 'fanoutlost:';
  const { replayStore } = createRedisStores(shared.client, { prefix });
  const { url, server } = await harness.start({
    replayStore,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  const subscriber = shared.client.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
  subscribers.push(subscriber);
  let loseNextAnswer = false;
  const publisher = {
    async sendCommand(args: ReadonlyArray<string>) {
      const answer = await shared.client.sendCommand([...args]);
      if (loseNextAnswer && args.some((arg) => arg.includes("'PUBLISH'"))) {
        loseNextAnswer = false;
        throw new Error('Socket closed unexpectedly (the answer was lost)');
      }
      return answer;
    },
  };
  const errors: unknown[] = [];
  const fanout = await createRedisFanout(server, {
    publisher,
    subscriber,
    prefix,
    store: replayStore,
    onError: (error) => errors.push(error),
  });
  fanouts.push(fanout);
  const ann = await harness.connect(`${url}/?user=ann`);
  await ann.resume('s1');

  loseNextAnswer = true;
  const answer = await fanout.push('ann', 'once');
  expect(errors).toHaveLength(1);
  // A mark after it: once it is here, so would the push be.
  await fanout.broadcast('mark');
  await waitUntil(
    () => pushes(ann).some((push) => (push as { text?: string }).text === 'mark'),
    'the mark',
  );
  const made = pushes(ann).some((push) => (push as { text?: string }).text === 'once');
  expect({ answer, made }).not.toEqual({ answer: undefined, made: true });
});
