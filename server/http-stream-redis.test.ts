/**
 * The HTTP stream on Redis: it sits below nothing but the sockets, so a session begun on a
 * stream of one server is resumed on a WebSocket of another, with what it missed. Behind a
 * load balancer that is not sticky (an L4 balancer spreads TCP connections, and a POST does
 * not ride the GET's connection), a stream's POSTs reach other servers than its GET.
 */
import { request } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { encodeBatch, encodePost } from '../protocol/http-stream';
import { createRedisStores } from './redis/index';
import { Harness, isHello, waitUntil, within } from './test-support/harness';
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

/** A server on the shared Redis; each test its own `prefix`, so their sessions never meet. */
function start(prefix = 'stream:') {
  const { replayStore } = createRedisStores(shared.client, { prefix });
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

it("refuses a stream's POST on another server (404), and the session resumes there with nothing lost (docs: streams need sticky routing)", async () => {
  const a = await start('sticky:');
  const b = await start('sticky:');
  const received: unknown[] = [];
  a.server.on('message', (_client, data) => received.push(['a', data]));
  b.server.on('message', (_client, data) => received.push(['b', data]));
  const stream = await StreamClient.open(`${a.url.replace(/^ws/, 'http')}/?user=ann`);
  streams.push(stream);
  const hello = JSON.parse(await stream.waitForFrame(isHello, 'hello')) as { nonce: string };
  expect(
    await stream.post([{ $ts: 'resume', nonce: hello.nonce, session: SESSION, last: 0 }]),
  ).toBe(204);
  await stream.waitForFrame((text) => text.includes('"$ts":"resumed"'), 'resumed');
  // The same stream's next POST, as a balancer that is not sticky would route it: to b.
  const url = new URL(`${b.url.replace(/^ws/, 'http')}/?user=ann`);
  url.searchParams.set('stream', '');
  const message = { $ts: 'msg', id: 1, text: '"via b"' };
  const status = await within(
    new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' } });
      req.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(encodePost(stream.id, encodeBatch([JSON.stringify(message)])));
    }),
    'the POST on b',
  );
  // b knows no such stream (docs/transports.md: a stream's POSTs must reach its server).
  expect(status).toBe(404);
  // The worker takes a refused POST for a dead stream (1006): it ends it, and its next
  // socket (here a stream on b) resumes the session, and sends again what was not acked.
  stream.abort();
  const again = await StreamClient.open(`${b.url.replace(/^ws/, 'http')}/?user=ann`);
  streams.push(again);
  const nonce = (JSON.parse(await again.waitForFrame(isHello, 'hello')) as { nonce: string }).nonce;
  expect(await again.post([{ $ts: 'resume', nonce, session: SESSION, last: 0 }])).toBe(204);
  await again.waitForFrame((text) => text.includes('"$ts":"resumed"'), 'resumed on b');
  expect(await again.post([message])).toBe(204);
  await again.waitForFrame((text) => text === '{"$ts":"ack","id":1}', 'ack 1');
  expect(received).toEqual([['b', 'via b']]);
});
