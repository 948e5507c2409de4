/**
 * Review (issue 19): a resume of a session Redis does not know (last ≠ 0) starts a new
 * session under a fresh id. A push made while the old id was read reaches the socket before
 * its attach (remembered) and is pushed to the new session after its replay; a push made
 * while the new id is read is counted into that replay. So the later push gets the lower
 * number: the worker takes the user's pushes out of the order they were made (invariant 1).
 */
import { afterEach, expect, it } from 'vitest';
import { RedisReplayStore } from '../redis/redis-replay-store';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';

const shared = redisForTheFile();
const harness = new Harness();
afterEach(() => harness.dispose());

/** READ's script alone sets `fresh`. */
const isRead = (args: ReadonlyArray<string>) =>
  args.some((arg) => arg.includes("local fresh = '0'"));

/** A Redis client whose READ answers wait until the test lets each one through. */
function gatedReads() {
  const held: Array<() => void> = [];
  const client = {
    async sendCommand(args: ReadonlyArray<string>) {
      const answer = shared.client.sendCommand([...args]);
      if (isRead(args)) await new Promise<void>((resolve) => held.push(resolve));
      return answer;
    },
  };
  return { client, held };
}

const pushes = (socket: TestClient) =>
  socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
    text?: string;
  }>;

it('gives the new session the pushes made while the old one was read and while it is read, in the order made', async () => {
  const { client, held } = gatedReads();
  const replayStore = new RedisReplayStore(client, { prefix: 'freshorder:', onError: () => {} });
  const { server, url } = await harness.start({
    replayStore,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  const socket = await harness.connect(`${url}/?user=ann`);
  const answer = socket.resume('gone', 5);
  await waitUntil(() => held.length === 1, 'the read of the old id');
  server.push('ann', 'first');
  held[0]?.();
  await waitUntil(() => held.length === 2, 'the read of the new id');
  server.push('ann', 'second');
  held[1]?.();
  expect(await answer).toMatchObject({ $ts: 'resync', seq: 0, session: expect.any(String) });
  await waitUntil(() => pushes(socket).length === 2, 'both pushes');
  expect(pushes(socket).map((push) => [push.seq, push.text])).toEqual([
    [1, 'first'],
    [2, 'second'],
  ]);
});
