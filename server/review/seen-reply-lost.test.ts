/**
 * Review (issue 19): a `seen` that Redis ran but whose answer never came back (a timeout, a
 * connection cut after the write) closes the socket with 1013, as the change makes it; the
 * worker resends the message on its next socket, SEEN answers "seen" and the server acks it.
 * The app never got it: invariant 2 (each msg passed to the app exactly once, acked only
 * when it was) breaks.
 */
import { afterEach, expect, it } from 'vitest';
import { RedisReplayStore } from '../redis/redis-replay-store';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';

const shared = redisForTheFile();
const harness = new Harness();
afterEach(() => harness.dispose());

const acks = (socket: TestClient) =>
  socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'ack');

it('never acks a message the app did not get, when a SEEN ran but its answer was lost', async () => {
  let loseNextSeenAnswer = false;
  const client = {
    async sendCommand(args: ReadonlyArray<string>) {
      const answer = await shared.client.sendCommand([...args]);
      // SEEN's script alone calls GETBIT: Redis ran it, the answer does not come back.
      if (loseNextSeenAnswer && args.some((arg) => arg.includes("redis.call('GETBIT'"))) {
        loseNextSeenAnswer = false;
        throw new Error('Socket closed unexpectedly (the answer was lost)');
      }
      return answer;
    },
  };
  const replayStore = new RedisReplayStore(client, { prefix: 'seenlost:', onError: () => {} });
  const { server, url } = await harness.start({
    replayStore,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  server.on('storeError', () => {});
  const received: unknown[] = [];
  server.on('message', (_client, data) => received.push(data));

  const first = await harness.connect(`${url}/?user=ann`);
  await first.resume('s1');
  loseNextSeenAnswer = true;
  first.send({ $ts: 'msg', id: 1, text: '"one"' });
  expect((await first.closed).code).toBe(1013);
  expect(acks(first)).toEqual([]);

  // The worker resumes and sends what is unacknowledged again, as the README says.
  const second = await harness.connect(`${url}/?user=ann`);
  await second.resume('s1', 0);
  second.send({ $ts: 'msg', id: 1, text: '"one"' });
  await waitUntil(() => acks(second).length === 1, 'the ack');
  // Acked: the app must have got it once.
  expect(received).toEqual(['one']);
});
