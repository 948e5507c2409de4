/**
 * Greedy and hostile clients over real sockets: one that never reads, one that only talks,
 * one that is refused again and again. Each is dropped or bounded; nobody else notices.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { TabSocketServerOptions } from './options';
import type { TabSocketServer } from './server';
import type { TabSocketClient } from './sockets/connected-client';
import { Harness, type TestClient, waitUntil, within } from './test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

async function start(options: Omit<TabSocketServerOptions, 'port' | 'host'> = {}) {
  return harness.start({
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    ...options,
  });
}

/** Stops reading the client's TCP socket: the server's frames pile up on its side. */
function stopReading(client: TestClient): () => void {
  const tcp = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  tcp.pause();
  return () => tcp.resume();
}

/** The server's side of the only socket of `server`. */
function serverSide(server: TabSocketServer): WebSocket {
  const [socket] = server.wss.clients;
  if (!socket) throw new Error('no socket');
  return socket;
}

function pushSeqs(client: TestClient): number[] {
  return client
    .json()
    .filter((frame) => (frame as { $ts?: string }).$ts === 'push')
    .map((frame) => (frame as { seq: number }).seq);
}

const yieldToIo = () => new Promise((resolve) => setImmediate(resolve));

describe('maxBufferedAmount', () => {
  it('closes a socket that does not read once its buffer passes the cap; the session replays', async () => {
    const maxBufferedAmount = 64 * 1024;
    const { server, url } = await start({ maxBufferedAmount, liveness: false });
    const disconnected = once(server, 'disconnection');
    const reader = await harness.connect(`${url}/?user=ann`);
    await reader.resume('s1');
    const readAgain = stopReading(reader);
    const side = serverSide(server);

    const frame = 'x'.repeat(1_000);
    let pushes = 0;
    let peak = 0;
    while (side.readyState === side.OPEN && pushes < 50_000) {
      for (let n = 0; n < 100; n++) {
        server.push('ann', frame);
        pushes += 1;
        peak = Math.max(peak, side.bufferedAmount);
      }
      await yieldToIo();
    }
    expect(side.readyState).not.toBe(side.OPEN);
    // At most the cap and the frame written while under it.
    expect(peak).toBeLessThanOrEqual(maxBufferedAmount + 1_100);
    // Its close frame waits behind what it does not read: dropped after a second.
    await within(disconnected, 'the socket dropped');

    readAgain();
    await within(reader.closed, 'the client sees the end');
    const received = pushSeqs(reader);
    const last = received.at(-1) ?? 0;
    expect(received).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(last).toBeLessThan(pushes);

    const next = await harness.connect(`${url}/?user=ann`);
    expect(await next.resume('s1', last)).toMatchObject({ $ts: 'resumed', seq: pushes });
    await waitUntil(() => pushSeqs(next).length === pushes - last, 'the replay of the rest');
    expect(pushSeqs(next)[0]).toBe(last + 1);
  });

  it('writes the answer to a resume whatever the cap: its replay is bounded by the log', async () => {
    const { server, url } = await start({ maxBufferedAmount: 1, liveness: false });
    const away = await harness.connect(`${url}/?user=ann`);
    await away.resume('s1');
    away.socket.terminate();
    await away.closed;
    for (let n = 1; n <= 20; n++) server.push('ann', { n });
    const back = await harness.connect(`${url}/?user=ann`);
    expect(await back.resume('s1', 0)).toMatchObject({ $ts: 'resumed', seq: 20 });
    await waitUntil(() => pushSeqs(back).length === 20, 'the replay');
  });

  it('leaves other sockets alone', async () => {
    const { server, url } = await start({ maxBufferedAmount: 16 * 1024, liveness: false });
    const slow = await harness.connect(`${url}/?user=slow`);
    await slow.resume('s1');
    stopReading(slow);
    const fast = await harness.connect(`${url}/?user=fast`);
    await fast.resume('s1');
    const slowClosed = once(server, 'disconnection');
    let sent = 0;
    while (server.stats().openSockets === 2 && sent < 50_000) {
      for (let n = 0; n < 100; n++) server.broadcast({ n: ++sent, pad: 'x'.repeat(1_000) });
      await yieldToIo();
    }
    const [gone] = (await within(slowClosed, 'the slow socket gone')) as [TabSocketClient];
    expect(gone.userId).toBe('slow');
    await waitUntil(() => pushSeqs(fast).length === sent, 'every broadcast at the fast one');
  });
});

describe('liveness', () => {
  it('drops a client that never reads even though it sends heartbeats', async () => {
    const interval = 100;
    const timeout = 50;
    const { server, url } = await start({ liveness: { interval, timeout } });
    const disconnected = once(server, 'disconnection');
    const talker = await harness.connect(`${url}/?user=talker`);
    const startedAt = Date.now();
    stopReading(talker);
    const heartbeat = setInterval(() => talker.send('ping'), 20);
    harness.onDispose(() => clearInterval(heartbeat));
    const [gone] = (await within(disconnected, 'the talker dropped')) as [TabSocketClient];
    expect(gone.userId).toBe('talker');
    expect(Date.now() - startedAt).toBeLessThan(interval + timeout + 150);
  });
});

describe('maxRefusals', () => {
  it('answers that many refused frames, then closes the socket with 1008', async () => {
    const { server, url } = await start({ maxRefusals: 3 });
    const offender = await harness.connect(`${url}/?user=mallory`);
    await offender.resume('s1');
    for (let n = 0; n < 50; n++) offender.send({ $ts: 'nope' });
    expect(await within(offender.closed, 'the close')).toEqual({
      code: 1008,
      reason: 'Too many refused frames',
    });
    const errors = offender.json().filter((frame) => (frame as { $ts?: string }).$ts === 'error');
    expect(errors).toHaveLength(3);
    await waitUntil(() => server.stats().openSockets === 0, 'the server side closed');
  });

  it('counts an invalid resume too', async () => {
    const { url } = await start({ maxRefusals: 1 });
    const client = await harness.connect(`${url}/?user=mallory`);
    const nonce = await client.nonce();
    client.send({ $ts: 'resume', nonce, session: '', last: 0 });
    client.send({ $ts: 'resume', nonce, session: '', last: 0 });
    expect((await within(client.closed, 'the close')).code).toBe(1008);
  });
});

describe('replay.dedupeWindow', () => {
  it('takes message ids far above a hole, passing each on once', async () => {
    const { server, url } = await start({ replay: { dedupeWindow: 1_024 }, liveness: false });
    const received: unknown[] = [];
    server.on('message', (_client, data) => received.push(data));
    const client = await harness.connect(`${url}/?user=ann`);
    await client.resume('s1');
    for (let id = 2; id <= 5_001; id++) client.send(`{"$ts":"msg","id":${id},"text":"${id}"}`);
    client.send(`{"$ts":"msg","id":${Number.MAX_SAFE_INTEGER},"text":"last"}`);
    client.send(`{"$ts":"msg","id":${Number.MAX_SAFE_INTEGER},"text":"last"}`);
    await waitUntil(() => received.length === 5_001, 'every message');
    // The hole at 1 was given up once 1,024 ids waited above it.
    client.send('{"$ts":"msg","id":1,"text":"1"}');
    client.send('{"$ts":"msg","id":5001,"text":"5001"}');
    await waitUntil(
      () => client.messages.filter((t) => t.includes('"ack"')).length === 5_004,
      'acks',
    );
    expect(received).toHaveLength(5_001);
    expect(received.at(-1)).toBe('last');
  });
});
