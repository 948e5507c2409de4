/**
 * Review of the HTTP stream on Redis: behind a load balancer that is not sticky (an L4
 * balancer spreads TCP connections, and a POST does not ride the GET's connection), a
 * stream's POSTs reach other servers than its GET. Real HTTP on 127.0.0.1, a local Redis.
 */
import { request } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { encodeBatch } from '../protocol/http-stream';
import { createRedisStores } from './redis/index';
import { Harness, isHello, within } from './test-support/harness';
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
  const { replayStore } = createRedisStores(shared.client, { prefix: 'review-stream:' });
  return harness.start({
    replayStore,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
}

it("takes a stream's POST on another server of the same Redis (docs: on Redis, nothing changes)", async () => {
  const a = await start();
  const b = await start();
  const stream = await StreamClient.open(`${a.url.replace(/^ws/, 'http')}/?user=ann`);
  streams.push(stream);
  const hello = JSON.parse(await stream.waitForFrame(isHello, 'hello')) as { nonce: string };
  expect(
    await stream.post([{ $ts: 'resume', nonce: hello.nonce, session: SESSION, last: 0 }]),
  ).toBe(204);
  await stream.waitForFrame((text) => text.includes('"$ts":"resumed"'), 'resumed');
  // The same stream's next POST, as a balancer would route it: to server b.
  const url = new URL(`${b.url.replace(/^ws/, 'http')}/?user=ann`);
  url.searchParams.set('stream', stream.id);
  const status = await within(
    new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' } });
      req.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(encodeBatch([JSON.stringify({ $ts: 'msg', id: 1, text: '"via b"' })]));
    }),
    'the POST on b',
  );
  // b knows no such stream: 404, which the worker takes for a dead stream (1006). Each
  // stream then lives until its first POST that lands elsewhere, and the worker stays on
  // the stream (it opened), reconnecting again and again. Sticky routing is needed, and
  // transports.md / scaling.md do not say so.
  expect(status).not.toBe(404);
});
