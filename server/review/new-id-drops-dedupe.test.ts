/**
 * Review (issue 19): a resume whose `last` is beyond what its new server counts starts a
 * new session even when Redis still knows the old one, and drops it with its dedupe window.
 * A server that has not made the fan-out the worker got on its old server (its subscriber
 * lost the message; the wait for it gives up after a second) counts a lower head: the worker
 * gets `resync` with a new id and, as the worker does, sends its unacked message again under
 * the new session's ids. The app had it already: passed on twice (invariant 2).
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

const prefix = 'newiddedupe:';
const received: unknown[] = [];

/** A server of the app, with its fan-out; `dropNext` loses the next fan-out messages. */
async function node() {
  const { replayStore } = createRedisStores(shared.client, { prefix });
  const started = await harness.start({
    replayStore,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  started.server.on('message', (_client, data) => received.push(data));
  const subscriber = shared.client.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
  subscribers.push(subscriber);
  let dropping = 0;
  const lossy = {
    subscribe: (channel: string, listener: (message: string, channel: string) => unknown) =>
      subscriber.subscribe(channel, (message, from) => {
        if (dropping > 0) dropping -= 1;
        else listener(message, from);
      }),
    unsubscribe: (channel: string) => subscriber.unsubscribe(channel),
  };
  const fanout = await createRedisFanout(started.server, {
    publisher: shared.client,
    subscriber: lossy,
    prefix,
    store: replayStore,
  });
  fanouts.push(fanout);
  return {
    ...started,
    fanout,
    dropNext: (count: number) => {
      dropping = count;
    },
  };
}

const pushes = (socket: TestClient) =>
  socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push');

it('passes a message on once when the worker resumes on a server that counts its session lower', async () => {
  const a = await node();
  const b = await node();
  const onA = await harness.connect(`${a.url}/?user=ann`);
  expect(await onA.resume('s1')).toMatchObject({ $ts: 'resumed', seq: 0 });
  b.dropNext(1);
  await a.fanout.push('ann', 'one push');
  await waitUntil(() => pushes(onA).length === 1, 'the push on A');
  onA.send({ $ts: 'msg', id: 1, text: '"hello"' });
  await waitUntil(() => received.length === 1, 'the message passed on');
  // The socket dies with the ack in flight: the worker holds push 1 and message 1 unacked.
  onA.socket.terminate();

  const onB = await harness.connect(`${b.url}/?user=ann`);
  const answer = await onB.resume('s1', 1);
  // The worker sends its unacked message again: under the new session's first id when the
  // answer names one, else under the id it had.
  onB.send({ $ts: 'msg', id: 1, text: '"hello"' });
  await waitUntil(
    () => onB.json().some((frame) => (frame as { $ts?: string }).$ts === 'ack'),
    'the ack on B',
  );
  const kind = typeof answer.session === 'string' ? `${answer.$ts} with a new id` : answer.$ts;
  expect({ kind, received }).toEqual({ kind: expect.any(String), received: ['hello'] });
}, 10_000);
