/**
 * Review (issue 19): a `sub` whose interests Redis could not keep ends the session, as the
 * change makes it. A publish to the new topic made while that write was on its way was
 * routed to the session by the new topics and numbered in memory, then not written: the
 * worker resumes, the read counts by the interests Redis has (without the topic), and the
 * answer is `resumed` with nothing to replay. The push is lost with no `resync`
 * (invariant 1).
 */
import type { createClient } from 'redis';
import { afterEach, expect, it } from 'vitest';
import { createRedisFanout, type RedisFanout, RedisReplayStore } from '../redis/index';
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

it('gives the worker a publish made while its new topics were being written, or a resync, when that write fails', async () => {
  const prefix = 'lostinterests:';
  // The first write carrying "prices" in an interest of ann's fails, once the test says so.
  let failWrite: (() => void) | undefined;
  let armed = false;
  const client = {
    sendCommand(args: ReadonlyArray<string>) {
      const isAnnsInterests = args.some((arg) => arg.includes('"user":"ann","topics":["prices"]'));
      if (!armed || !isAnnsInterests) return shared.client.sendCommand([...args]);
      armed = false;
      return new Promise((_, reject) => {
        failWrite = () => reject(new Error('Redis refused it'));
      });
    },
  };
  const replayStore = new RedisReplayStore(client, { prefix, onError: () => {} });
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
  });
  fanouts.push(fanout);

  // A plain socket of carl's: fan-outs are made in order, so once it has a push made after
  // the publish, the server made the publish (ann's session was routed it).
  const carl = await harness.connect(`${url}/?user=carl`);

  const first = await harness.connect(`${url}/?user=ann`);
  expect(await first.resume('s1')).toMatchObject({ $ts: 'resumed', seq: 0 });
  armed = true;
  first.send({ $ts: 'sub', topics: ['prices'] });
  first.send('ping');
  await first.waitForMessage((text) => text === 'pong', 'ann subscribed');
  await waitUntil(() => failWrite !== undefined, 'the interests write');
  await fanout.publish('prices', 1);
  await fanout.push('carl', 'probe');
  await carl.waitForMessage((text) => text.includes('probe'), 'the publish made on the server');
  failWrite?.();
  await first.closed;
  expect(pushes(first)).toEqual([]);

  // The worker resumes with what it has (nothing), and sends its topics again.
  const second = await harness.connect(`${url}/?user=ann`);
  const answer = await second.resume('s1', 0);
  second.send({ $ts: 'sub', topics: ['prices'] });
  second.send('ping');
  await second.waitForMessage((text) => text === 'pong', 'the pong');
  // Either the publish made after the server took ann's sub, or a resync telling the gap.
  const gotIt = pushes(second).length === 1;
  expect({ answer: answer.$ts, gotIt }).not.toEqual({ answer: 'resumed', gotIt: false });
});
