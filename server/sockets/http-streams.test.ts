/**
 * The HTTP stream beside the upgrade: real HTTP on 127.0.0.1, the same frames, sessions,
 * authentication, limits and liveness as a WebSocket's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_POSTS_PER_SECOND } from '../../protocol/http-stream';
import { FakeClock } from '../test-support/fake-clock';
import { Harness, isHello, tokenFromQuery, waitUntil } from '../test-support/harness';
import { StreamClient } from '../test-support/stream-client';

const harness = new Harness();
const streams: StreamClient[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.abort();
  await harness.dispose();
});

async function open(url: string, headers?: Record<string, string>): Promise<StreamClient> {
  const stream = await StreamClient.open(url.replace(/^ws/, 'http'), headers);
  streams.push(stream);
  return stream;
}

const SESSION = 'session-0123456789abcdef0123456789';

/** Opens a stream and resumes `session` after push `last` on it; answers the stream and the answer. */
async function resumed(url: string, session = SESSION, last = 0) {
  const stream = await open(url);
  const nonce = (JSON.parse(await stream.waitForFrame(isHello, 'hello')) as { nonce: string })
    .nonce;
  expect(await stream.post([{ $ts: 'resume', nonce, session, last }])).toBe(204);
  const answer = await stream.waitForFrame(
    (text) => text.includes(nonce) && !isHello(text),
    'resumed',
  );
  return { stream, answer: JSON.parse(answer) as Record<string, unknown> };
}

describe('an HTTP stream', () => {
  it('is a socket: hello, resume, pushes down, messages up and acked, heartbeats answered', async () => {
    const { server, url } = await harness.start({ authenticate: tokenFromQuery });
    const messages: unknown[] = [];
    server.on('message', (_client, data) => messages.push(data));
    const { stream, answer } = await resumed(`${url}/?token=ann`);
    expect(stream.status).toBe(200);
    expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.id).toMatch(/^[\w-]{22}$/);
    expect(answer).toMatchObject({ $ts: 'resumed', seq: 0 });
    expect(server.stats()).toMatchObject({ openSockets: 1, httpStreams: 1, onlineUsers: 1 });

    expect(server.push('ann', { n: 1 })).toBe(1);
    await stream.waitForFrame((text) => text.startsWith('{"$ts":"push","seq":1'), 'push 1');

    expect(
      await stream.post([
        { $ts: 'msg', id: 1, text: '"a"' },
        { $ts: 'msg', id: 2, text: '"line\\none"' },
        'ping',
      ]),
    ).toBe(204);
    await stream.waitForFrame((text) => text === '{"$ts":"ack","id":2}', 'ack 2');
    await stream.waitForFrame((text) => text === 'pong', 'pong');
    expect(messages).toEqual(['a', 'line\none']);
  });

  it('carries a frame with a line break or none at all as it is', async () => {
    const { server, url } = await harness.start();
    server.on('connection', (client) => {
      client.send('two\nlines\r\n');
      client.send('');
    });
    const stream = await open(url);
    await waitUntil(() => stream.frames().length === 3, 'hello and two frames');
    expect(stream.frames().slice(1)).toEqual(['two\nlines\r\n', '']);
  });

  it('keeps the session across transports: a WebSocket resumes what a stream began', async () => {
    const { server, url } = await harness.start({ authenticate: tokenFromQuery });
    const { stream } = await resumed(`${url}/?token=ann`);
    server.push('ann', 'one');
    await stream.waitForFrame((text) => text.includes('"seq":1'), 'push 1');
    stream.abort();
    await waitUntil(() => server.stats().openSockets === 0, 'the stream to close');
    server.push('ann', 'two');

    const socket = await harness.connect(`${url}/?token=ann`);
    expect(await socket.resume(SESSION, 1)).toMatchObject({ $ts: 'resumed', seq: 2 });
    await socket.waitForMessage((text) => text.includes('"seq":2'), 'push 2 replayed');
    expect(socket.json().filter((frame) => (frame as { $ts: string }).$ts === 'push')).toEqual([
      { $ts: 'push', seq: 2, text: 'two' },
    ]);
  });

  it("ends the session on the worker's end, posted with its last messages: acks them, then closes the stream (the stream carries no close code)", async () => {
    const { server, url } = await harness.start({ authenticate: tokenFromQuery });
    const { stream } = await resumed(`${url}/?token=ann`);
    expect(await stream.post([{ $ts: 'msg', id: 1, text: '"bye"' }, { $ts: 'end' }])).toBe(204);
    expect(await stream.ended).toEqual({ code: 1000, reason: 'Session ended' });
    expect(stream.frames().at(-1)).toBe('{"$ts":"ack","id":1}');
    expect(server.stats().sessions).toBe(0);
    const socket = await harness.connect(`${url}/?token=ann`);
    expect(await socket.resume(SESSION, 1)).toMatchObject({ $ts: 'resync', seq: 0 });
  });

  it('is authenticated as an upgrade is: 401 when refused, 500 when authenticate throws', async () => {
    const errors: unknown[] = [];
    const { server, url } = await harness.start({
      authenticate: (request) => {
        const token = tokenFromQuery(request);
        if (token === 'boom') throw new Error('boom');
        return token;
      },
    });
    server.on('authenticateError', (error) => errors.push(error));
    expect((await open(url)).status).toBe(401);
    expect((await open(`${url}/?token=boom`)).status).toBe(500);
    expect(errors).toHaveLength(1);
    expect(server.stats().httpStreams).toBe(0);
  });

  it('answers on its path only, and a plain GET with 426', async () => {
    const { url } = await harness.start({ path: '/live' });
    expect((await open(`${url}/other`)).status).toBe(404);
    expect((await open(`${url}/live`, { Accept: 'text/html' })).status).toBe(426);
    expect((await open(`${url}/live`)).status).toBe(200);
  });

  it('answers a page of another origin with its origin, as a WebSocket would be open to it', async () => {
    const { url } = await harness.start();
    const stream = await open(url, { Origin: 'https://app.example' });
    expect(stream.response.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-credentials': 'true',
    });
  });

  it('refuses a POST naming a stream that is gone (404)', async () => {
    const { server, url } = await harness.start();
    const stream = await open(url);
    await waitUntil(() => stream.id !== '', 'the stream id');
    expect(await stream.post([])).toBe(204);
    stream.abort();
    await waitUntil(() => server.stats().httpStreams === 0, 'the stream to end');
    expect(await stream.post(['x'])).toBe(404);
  });
});

describe('the limits of a stream', () => {
  it('closes it with 1009 for a frame over maxPayload, as ws closes a socket', async () => {
    const { url } = await harness.start({ maxPayload: 1024 });
    const stream = await open(url);
    await waitUntil(() => stream.id !== '', 'the stream id');
    expect(await stream.post(['x'.repeat(1024)])).toBe(204);
    expect(await stream.post(['x'.repeat(1025)])).toBe(413);
    expect(await stream.ended).toEqual({ code: 1009, reason: 'Max payload size exceeded' });
  });

  it('closes it with 1009 for a body over what a batch may take, without reading it all', async () => {
    const { url } = await harness.start({ maxPayload: 1024 });
    const stream = await open(url);
    await waitUntil(() => stream.id !== '', 'the stream id');
    const status = await stream.post([], 'x'.repeat(4 * 65_536)).catch(() => 'reset');
    expect([413, 'reset']).toContain(status);
    expect(await stream.ended).toEqual({ code: 1009, reason: 'Body too large' });
  });

  it('closes it with 1008 for a body that is no batch', async () => {
    const { url } = await harness.start();
    const stream = await open(url);
    await waitUntil(() => stream.id !== '', 'the stream id');
    expect(await stream.post([], '5:abc')).toBe(400);
    expect(await stream.ended).toEqual({ code: 1008, reason: 'Malformed body' });
  });

  it(`closes it with 1008 past ${MAX_POSTS_PER_SECOND} POSTs within a second, not over a longer time`, async () => {
    const clock = new FakeClock();
    const { url } = await harness.start({ liveness: false }, { clock });
    const stream = await open(url);
    await waitUntil(() => stream.id !== '', 'the stream id');
    for (let post = 0; post < MAX_POSTS_PER_SECOND; post += 1) {
      expect(await stream.post(['ping'])).toBe(204);
    }
    clock.advance(1_000);
    for (let post = 0; post < MAX_POSTS_PER_SECOND; post += 1) {
      expect(await stream.post(['ping'])).toBe(204);
    }
    expect(await stream.post(['ping'])).toBe(429);
    expect(await stream.ended).toEqual({ code: 1008, reason: 'Too many requests' });
  });
});

describe('liveness and closes of a stream', () => {
  it('pings over the stream: a peer that answers stays, one that does not is dropped', async () => {
    const clock = new FakeClock();
    const { server, url } = await harness.start(
      { liveness: { interval: 1_000, timeout: 500 } },
      { clock },
    );
    const answering = await open(url);
    const silent = await open(url);
    await waitUntil(() => server.stats().httpStreams === 2, 'two streams');
    clock.advance(1_000);
    await waitUntil(
      () =>
        [answering, silent].every((stream) =>
          stream.events.some((event) => event.event === 'ping'),
        ),
      'the pings',
    );
    const ping = answering.events.find((event) => event.event === 'ping')?.data ?? '';
    expect(await answering.pong('0')).toBe(204); // not the ping's number: proves nothing
    expect(await answering.pong(ping)).toBe(204);
    clock.advance(500);
    expect(await silent.ended).toEqual({ code: 1006, reason: '' });
    expect(server.stats().httpStreams).toBe(1);
    expect(answering.response.destroyed).toBe(false);
  });

  it("ends the stream with the app's close code, and every stream when the server closes", async () => {
    const { server, url } = await harness.start();
    server.on('connection', (client) => client.close(4403, 'banned'));
    const banned = await open(url);
    expect(await banned.ended).toEqual({ code: 4403, reason: 'banned' });

    server.removeAllListeners('connection');
    const stream = await open(url);
    await waitUntil(() => server.stats().httpStreams === 1, 'the stream');
    await server.close();
    expect((await stream.ended).code).toBe(1006);
  });
});
