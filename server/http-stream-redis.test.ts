/**
 * The HTTP stream on Redis: it sits below nothing but the sockets, so a session begun on a
 * stream of one server is resumed on a WebSocket of another, with what it missed.
 */
import { afterEach, expect, it } from 'vitest';
import { createRedisStores } from './redis/index';
import { Harness, isHello, waitUntil } from './test-support/harness';
import { redisForTheFile } from './test-support/redis-server';
import { StreamClient } from './test-support/stream-client';

const shared = redisForTheFile();
const harness = new Harness();
const streams: StreamClient[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.abort();
  await harness.dispose();
});

const SESSION = 'session-0123456789abcdef0123456789';

function start() {
  const { replayStore } = createRedisStores(shared.client, { prefix: 'stream:' });
  return harness.start({
    replayStore,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
}

it("resumes on one server's WebSocket the session begun on another's HTTP stream", async () => {
  const a = await start();
  const b = await start();
  const stream = await StreamClient.open(`${a.url.replace(/^ws/, 'http')}/?user=ann`);
  streams.push(stream);
  const hello = JSON.parse(await stream.waitForFrame(isHello, 'hello')) as { nonce: string };
  await stream.post([{ $ts: 'resume', nonce: hello.nonce, session: SESSION, last: 0 }]);
  await stream.waitForFrame((text) => text.includes('"$ts":"resumed"'), 'resumed');
  await stream.post([{ $ts: 'msg', id: 1, text: '"on the stream"' }]);
  await stream.waitForFrame((text) => text === '{"$ts":"ack","id":1}', 'ack 1');
  a.server.push('ann', 'one');
  await stream.waitForFrame((text) => text.includes('"seq":1'), 'push 1');
  stream.abort();
  await waitUntil(() => a.server.stats().httpStreams === 0, 'the stream to end');
  a.server.push('ann', 'two');

  const socket = await harness.connect(`${b.url}/?user=ann`);
  expect(await socket.resume(SESSION, 1)).toMatchObject({ $ts: 'resumed', seq: 2, lastId: 1 });
  await socket.waitForMessage((text) => text.includes('"seq":2'), 'push 2 replayed');
  const received: unknown[] = [];
  b.server.on('message', (_client, data) => received.push(data));
  socket.send({ $ts: 'msg', id: 1, text: '"again"' });
  socket.send({ $ts: 'msg', id: 2, text: '"on the socket"' });
  await socket.waitForMessage((text) => text === '{"$ts":"ack","id":2}', 'ack 2');
  expect(received).toEqual(['on the socket']);
});
