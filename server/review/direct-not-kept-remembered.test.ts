/**
 * Review (issue 19): a direct push made on the server a worker comes back to, between its
 * new socket's hello and its resume, while Redis names another server as the session's
 * owner (the worker was there last). The socket remembers the push; DIRECT is refused (not
 * the owner), so the push is not in the stream; the resume's read then makes this server
 * the owner again, and the registry takes the remembered push as logged (a push of the
 * session's own user, made after it was born) and does not push it. The worker never gets
 * it, and no `resync` (invariant 1).
 */
import { afterEach, expect, it } from 'vitest';
import { RedisReplayStore } from '../redis/redis-replay-store';
import { DIRECT } from '../redis/scripts';
import { Harness, type TestClient, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';

const shared = redisForTheFile();
const harness = new Harness();
afterEach(() => harness.dispose());

const pushes = (socket: TestClient) =>
  socket.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push') as Array<{
    seq: number;
    text?: string;
  }>;

it('gives the worker a push made between its hello and its resume on a server that no longer owned the session', async () => {
  const prefix = 'directnotkept:';
  let gate: Promise<void> | undefined;
  const client = {
    async sendCommand(args: ReadonlyArray<string>) {
      const answer = shared.client.sendCommand([...args]);
      if (gate && args[1] === DIRECT) await gate;
      return answer;
    },
  };
  const replayStore = new RedisReplayStore(client, { prefix, onError: () => {} });
  const { server, url } = await harness.start({
    replayStore,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  server.on('storeError', () => {});

  const first = await harness.connect(`${url}/?user=ann`);
  await first.resume('s1');
  server.push('ann', 'one');
  await waitUntil(() => pushes(first).length === 1, 'push 1');
  first.socket.terminate();
  await first.closed;
  // The worker resumed on another server meanwhile: Redis names that one the owner.
  const other = new RedisReplayStore(shared.client, { prefix });
  expect(
    await other.read(JSON.stringify(['ann', 's1']), 1, { userId: 'ann', topics: new Set() }),
  ).toMatchObject({ head: 1, entries: [] });

  // Back on this server: hello, a push, then the resume.
  let open = () => {};
  gate = new Promise((resolve) => {
    open = resolve;
  });
  const back = await harness.connect(`${url}/?user=ann`);
  await back.nonce();
  const framesBefore = server.stats().framesIn;
  server.push('ann', 'two');
  await waitUntil(() => back.messages.includes('two'), 'the plain copy');
  const answer = back.resume('s1', 1);
  await waitUntil(() => server.stats().framesIn === framesBefore + 1, 'the resume');
  gate = undefined;
  open();
  const resumed = await answer;
  server.push('ann', 'three');
  await waitUntil(() => pushes(back).some((push) => push.text === 'three'), 'the next push');
  const got = pushes(back).map((push) => push.text);
  // Push two reaches the worker, or a resync tells it something may be missing.
  expect({ answer: resumed.$ts, got }).toEqual({
    answer: resumed.$ts,
    got: resumed.$ts === 'resync' ? got : ['two', 'three'],
  });
});
