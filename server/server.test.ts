import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { HeartbeatFrame } from '../protocol/heartbeat-frame';
import type { TabSocketClient } from './sockets/connected-client';
import type { OfflineEntry, OnlineEntry } from './stores/presence-store';
import {
  Harness,
  isHello,
  TestClient,
  tokenFromQuery,
  waitUntil,
  within,
} from './test-support/harness';

const harness = new Harness();
afterEach(() => harness.dispose());

/** The frames after hello, parsed where they are JSON. */
function appFrames(client: TestClient): unknown[] {
  return client.messages.filter((text) => !isHello(text)).map((text) => parseOrText(text));
}

/** A worker-like client: resumed a fresh session and subscribed to `topics`. */
async function worker(url: string, topics: string[]): Promise<TestClient> {
  const client = await harness.connect(url);
  await client.resume(`session-${Math.random().toString(16).slice(2)}-0123456789abcdef`);
  if (topics.length > 0) client.send({ $ts: 'sub', topics });
  return client;
}

/** The data of the pushes a worker-like client got (`text` pushes as their text). */
function pushed(client: TestClient): unknown[] {
  return client
    .json()
    .filter((frame) => (frame as { $ts?: string }).$ts === 'push')
    .map((frame) => {
      const { data, text } = frame as { data?: unknown; text?: string };
      return text ?? data;
    });
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describe('connecting', () => {
  it('sends the hello frame first', async () => {
    const { url } = await harness.start();
    const client = await harness.connect(url);
    await client.waitForMessage(isHello, 'hello');
    expect(isHello(client.messages[0] as string)).toBe(true);
  });

  it('tells its limits in hello: its maxPayload, topics per sub, topic length', async () => {
    const { url } = await harness.start({ maxPayload: 4096 });
    const client = await harness.connect(url);
    const hello = await client.waitForMessage(isHello, 'hello');
    expect(JSON.parse(hello).limits).toEqual({
      maxPayload: 4096,
      maxTopics: 1_024,
      maxTopicLength: 256,
    });
  });

  it('sends no hello when hello is false', async () => {
    const { server, url } = await harness.start({ hello: false });
    const client = await harness.connect(url);
    server.broadcast('first');
    await client.waitForMessage((text) => text === 'first');
    expect(client.messages).toEqual(['first']);
  });

  it('refuses the upgrade with 401 when authenticate answers null', async () => {
    const { server, url } = await harness.start({ authenticate: tokenFromQuery });
    expect(await harness.refusedStatus(`${url}/?nope=1`)).toBe(401);
    expect(server.stats().openSockets).toBe(0);
    expect(await server.presence.counts()).toEqual({ online: 0, offline: 0 });
  });

  it('derives the user id from the upgrade request', async () => {
    const { server, url } = await harness.start({ authenticate: tokenFromQuery });
    const connected = once(server, 'connection');
    await harness.connect(`${url}/?token=alice`);
    const [client] = (await within(connected, 'connection')) as [TabSocketClient];
    expect(client.userId).toBe('alice');
    expect(client.id).not.toBe('alice');
  });

  it('refuses with 500 and reports authenticateError when authenticate throws', async () => {
    const { server, url } = await harness.start({
      authenticate: () => {
        throw new Error('token store down');
      },
    });
    const reported = once(server, 'authenticateError');
    expect(await harness.refusedStatus(url)).toBe(500);
    const [error] = await within(reported, 'authenticateError');
    expect((error as Error).message).toBe('token store down');
  });

  it('gives each socket its own anonymous user without authenticate', async () => {
    const { server, url } = await harness.start();
    await harness.connect(url);
    await harness.connect(url);
    await waitUntil(() => server.stats().openSockets === 2, 'two sockets');
    expect(server.stats().onlineUsers).toBe(2);
  });

  it('attaches to an http.Server given as server, on its path', async () => {
    const http = createServer((_, response) => response.end('plain http'));
    http.listen(0, '127.0.0.1');
    await within(once(http, 'listening'), 'http listening');
    harness.onDispose(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const { port } = http.address() as AddressInfo;

    const { server } = await harness.start({ server: http, path: '/ws' });
    const client = await harness.connect(`ws://127.0.0.1:${port}/ws`);
    await client.waitForMessage(isHello, 'hello');
    expect(server.stats().openSockets).toBe(1);

    await server.close();
    expect(http.listening).toBe(true);
  });
});

describe('attached to an existing WebSocketServer', () => {
  async function ownWss(): Promise<{ wss: WebSocketServer; port: number }> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await within(once(wss, 'listening'), 'wss listening');
    harness.onDispose(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    return { wss, port: (wss.address() as AddressInfo).port };
  }

  it('closes the socket with 4401 when authenticate answers null', async () => {
    const { wss } = await ownWss();
    const { server, url } = await harness.start({ wss, authenticate: tokenFromQuery });
    const client = await harness.connect(url);
    expect(await within(client.closed, 'close')).toEqual({ code: 4401, reason: 'Unauthorized' });
    // Hello goes first, before authenticate answers; nothing follows it.
    expect(client.messages).toHaveLength(1);
    expect(isHello(client.messages[0] as string)).toBe(true);
    expect(server.stats().openSockets).toBe(0);
  });

  it('closes with 1011 and reports authenticateError when authenticate throws', async () => {
    const { wss } = await ownWss();
    const { server, url } = await harness.start({
      wss,
      authenticate: async () => {
        throw new Error('token store down');
      },
    });
    const reported = once(server, 'authenticateError');
    const client = await harness.connect(url);
    expect((await within(client.closed, 'close')).code).toBe(1011);
    const [error] = await within(reported, 'authenticateError');
    expect((error as Error).message).toBe('token store down');
  });

  it('delivers frames sent while authenticate was still running', async () => {
    const { wss } = await ownWss();
    let release = (_userId: string) => {};
    let framesArrived = () => false;
    const { server, url } = await harness.start({
      wss,
      authenticate: (request) => {
        const { socket } = request;
        const handshakeBytes = socket.bytesRead;
        framesArrived = () => socket.bytesRead > handshakeBytes;
        return new Promise<string>((resolve) => (release = resolve));
      },
    });
    const received: unknown[] = [];
    server.on('message', (client, data) => received.push([client.userId, data]));
    const client = await harness.connect(url);
    client.send('early');
    // The frame is at the server before anyone knows whose socket it is.
    await waitUntil(framesArrived, 'the early frame at the server');
    release('bob');
    await waitUntil(() => received.length === 1, 'the early frame');
    expect(received).toEqual([['bob', 'early']]);
  });

  it('says hello at once, before a slow authenticate answers, and resumes after it', async () => {
    const { wss } = await ownWss();
    const { server, url } = await harness.start({
      wss,
      authenticate: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        return tokenFromQuery(request);
      },
    });
    const socket = new WebSocket(`${url}/?token=ann`);
    const client = new TestClient(socket);
    harness.onDispose(() => socket.terminate());
    await within(once(socket, 'open'), 'open');
    const openedAt = Date.now();
    await client.waitForMessage(isHello, 'hello');
    // A worker takes a server silent for 300 ms for a plain one.
    expect(Date.now() - openedAt).toBeLessThan(150);

    expect(await client.resume('s1')).toMatchObject({ $ts: 'resumed', seq: 0 });
    expect(server.push('ann', { n: 1 })).toBe(1);
    await client.waitForMessage((text) => text === '{"$ts":"push","seq":1,"data":{"n":1}}');
  });

  it('leaves the server running and stops handling it after close()', async () => {
    const { wss } = await ownWss();
    const { server, url } = await harness.start({ wss });
    await harness.connect(url);
    await server.close();

    // The owner's own handler: had we stayed attached, our hello would come before its frame.
    wss.on('connection', (socket) => socket.send('owner'));
    const later = await harness.connect(url);
    await later.waitForMessage((text) => text === 'owner', "the owner's frame");
    expect(later.messages).toEqual(['owner']);
    expect(wss.listenerCount('connection')).toBe(1);
  });
});

describe('heartbeat', () => {
  const styles: [string, HeartbeatFrame, HeartbeatFrame, string, string][] = [
    ['ping/pong strings', 'ping', 'pong', 'ping', 'pong'],
    ['HeartBeat echoed', 'HeartBeat', 'HeartBeat', 'HeartBeat', 'HeartBeat'],
    [
      'JSON objects',
      { type: 'ping' },
      { type: 'pong' },
      '{"type":"ping","ts":1700000000}',
      '{"type":"pong"}',
    ],
  ];

  it.each(styles)('answers %s and keeps them from the app', async (_, ping, pong, sent, answer) => {
    const { server, url } = await harness.start({ heartbeat: { ping, pong } });
    const seenByApp: unknown[] = [];
    server.on('message', (_client, data) => seenByApp.push(data));
    const client = await harness.connect(url);

    client.send(sent);
    await client.waitForMessage((text) => text === answer, 'the pong');
    client.send('after');
    await waitUntil(() => seenByApp.length > 0, 'the app frame');
    expect(seenByApp).toEqual(['after']);
  });

  it('passes pings to the app when heartbeat is false', async () => {
    const { server, url } = await harness.start({ heartbeat: false });
    const seenByApp: unknown[] = [];
    server.on('message', (_client, data) => seenByApp.push(data));
    const client = await harness.connect(url);
    client.send('ping');
    await waitUntil(() => seenByApp.length > 0, 'the ping at the app');
    expect(seenByApp).toEqual(['ping']);
    expect(appFrames(client)).toEqual([]);
  });
});

describe('liveness', () => {
  const interval = 100;
  const timeout = 50;

  it('terminates a silent peer within interval + timeout and marks its user offline', async () => {
    const { server, url, port } = await harness.start({
      liveness: { interval, timeout },
      authenticate: tokenFromQuery,
    });
    const healthy = await harness.connect(`${url}/?token=alive`);
    const pingsAtHealthy = { count: 0 };
    healthy.socket.on('ping', () => (pingsAtHealthy.count += 1));

    const wentOffline = once(server.presence, 'offline');
    const disconnected = once(server, 'disconnection');
    await harness.silentPeer(port, '/?token=ghost');
    const upgradedAt = Date.now();
    await waitUntil(() => server.stats().openSockets === 2, 'the silent peer to be accepted');

    const [gone, code] = (await within(disconnected, 'the silent peer dropped')) as [
      TabSocketClient,
      number,
    ];
    const elapsed = Date.now() - upgradedAt;
    expect(gone.userId).toBe('ghost');
    expect(code).toBe(1006);
    // Scheduling slack on a loaded machine, well under a second interval.
    expect(elapsed).toBeLessThan(interval + timeout + 90);

    const [entry] = (await within(wentOffline, 'offline')) as [OfflineEntry];
    expect(entry).toMatchObject({ userId: 'ghost', online: false });
    expect(await server.presence.get('ghost')).toMatchObject({ online: false });

    // A client whose stack answers pings survives sweep after sweep.
    await waitUntil(() => pingsAtHealthy.count >= 3, 'three pings at the healthy client');
    expect(healthy.socket.readyState).toBe(healthy.socket.OPEN);
    expect(await server.presence.get('alive')).toMatchObject({ online: true });
  });
});

describe('presence', () => {
  it('counts a user with three sockets once and sets last-seen when the last closes', async () => {
    const { server, url } = await harness.start({ authenticate: tokenFromQuery });
    const online: OnlineEntry[] = [];
    const offline: OfflineEntry[] = [];
    server.presence.on('online', (entry) => online.push(entry));
    server.presence.on('offline', (entry) => offline.push(entry));

    const before = Date.now();
    const tabs = [
      await harness.connect(`${url}/?token=ann`),
      await harness.connect(`${url}/?token=ann`),
      await harness.connect(`${url}/?token=ann`),
    ];
    await waitUntil(() => server.stats().openSockets === 3, 'three sockets');
    expect(server.stats().onlineUsers).toBe(1);
    expect(await server.presence.counts()).toEqual({ online: 1, offline: 0 });
    const entry = await server.presence.get('ann');
    expect(entry).toMatchObject({ userId: 'ann', online: true, sockets: 3 });
    expect((entry as OnlineEntry).since).toBeGreaterThanOrEqual(before);
    expect(online).toHaveLength(1);

    const [first, second, last] = tabs as [TestClient, TestClient, TestClient];
    first.socket.close();
    second.socket.close();
    await waitUntil(() => server.stats().openSockets === 1, 'two closed');
    expect(await server.presence.get('ann')).toMatchObject({ online: true, sockets: 1 });
    expect(offline).toEqual([]);

    const closedAt = Date.now();
    last.socket.close();
    await waitUntil(() => offline.length === 1, 'offline');
    const gone = await server.presence.get('ann');
    expect(gone).toMatchObject({ userId: 'ann', online: false });
    expect((gone as OfflineEntry).lastSeen).toBeGreaterThanOrEqual(closedAt);
    expect(await server.presence.counts()).toEqual({ online: 0, offline: 1 });
    expect(server.stats().onlineUsers).toBe(0);
  });

  it('tracks several users apart and lists online users before those gone', async () => {
    const { server, url } = await harness.start({ authenticate: tokenFromQuery });
    await harness.connect(`${url}/?token=ann`);
    await harness.connect(`${url}/?token=ann`);
    await harness.connect(`${url}/?token=bob`);
    const carol = await harness.connect(`${url}/?token=carol`);
    await waitUntil(() => server.stats().openSockets === 4, 'four sockets');

    carol.socket.close();
    await waitUntil(() => server.stats().openSockets === 3, 'carol gone');
    const list = await server.presence.list();
    expect(list.map((entry) => [entry.userId, entry.online])).toEqual([
      ['ann', true],
      ['bob', true],
      ['carol', false],
    ]);
    expect(server.stats().onlineUsers).toBe(2);
    expect(await server.presence.get('nobody')).toBeUndefined();
  });
});

describe('push, broadcast and publish', () => {
  it('pushes to every socket of one user and to nobody else', async () => {
    const { server, url } = await harness.start({ authenticate: tokenFromQuery });
    const ann1 = await harness.connect(`${url}/?token=ann`);
    const ann2 = await harness.connect(`${url}/?token=ann`);
    const bob = await harness.connect(`${url}/?token=bob`);
    await waitUntil(() => server.stats().openSockets === 3, 'three sockets');

    expect(server.push('ann', { n: 1 })).toBe(2);
    expect(server.push('nobody', 'x')).toBe(0);
    server.broadcast('marker');
    for (const client of [ann1, ann2, bob]) {
      await client.waitForMessage((text) => text === 'marker', 'the marker');
    }
    expect(appFrames(ann1)).toEqual([{ n: 1 }, 'marker']);
    expect(appFrames(ann2)).toEqual([{ n: 1 }, 'marker']);
    expect(appFrames(bob)).toEqual(['marker']);
  });

  it('broadcasts to every socket and counts them', async () => {
    const { server, url } = await harness.start();
    const clients = [await harness.connect(url), await harness.connect(url)];
    await waitUntil(() => server.stats().openSockets === 2, 'two sockets');
    expect(server.broadcast([1, 2])).toBe(2);
    for (const client of clients) await client.waitForMessage((text) => text === '[1,2]');
  });

  it('publishes to the workers whose last sub frame names the topic, as pushes', async () => {
    const { server, url } = await harness.start();
    const news = await worker(url, ['news']);
    const both = await worker(url, ['news', 'chat']);
    const none = await worker(url, ['chat']);
    await waitUntil(() => server.publish('news', { text: 'probe' }) === 2, 'news subscriptions');
    await waitUntil(() => server.publish('chat', { text: 'probe' }) === 2, 'chat subscriptions');

    expect(server.publish('news', { text: 'hi', topic: 'spoofed' })).toBe(2);
    expect(server.publish('chat', 'plain text')).toBe(2);
    server.broadcast('marker');
    for (const client of [news, both, none]) {
      await waitUntil(() => pushed(client).includes('marker'), 'the marker');
    }

    const published = (client: TestClient) =>
      pushed(client).filter((data) => (data as { text?: string }).text !== 'probe');
    expect(published(news)).toEqual([{ topic: 'news', text: 'hi' }, 'marker']);
    expect(published(both)).toEqual([{ topic: 'news', text: 'hi' }, 'plain text', 'marker']);
    expect(published(none)).toEqual(['plain text', 'marker']);
  });

  it('replaces the topic set with each sub frame and uses topicKey', async () => {
    const { server, url } = await harness.start({ topicKey: 'channel' });
    const client = await worker(url, ['a']);
    await waitUntil(() => server.publish('a', { probe: true }) === 1, 'subscribed to a');
    client.send({ $ts: 'sub', topics: ['b'] });
    await waitUntil(() => server.publish('a', { probe: true }) === 0, 'a replaced');

    expect(server.publish('b', { n: 2 })).toBe(1);
    await waitUntil(() => pushed(client).some((data) => (data as { n?: number }).n === 2), 'b');
    expect(pushed(client).at(-1)).toEqual({ channel: 'b', n: 2 });
  });

  it('publishes nothing to a plain client, whose sub frame is app data', async () => {
    const { server, url } = await harness.start();
    const seenByApp: unknown[] = [];
    server.on('message', (_client, data) => seenByApp.push(data));
    const client = await harness.connect(url);
    client.send({ $ts: 'sub', topics: ['news'] });
    await waitUntil(() => seenByApp.length === 1, 'the sub at the app');
    expect(seenByApp).toEqual([{ $ts: 'sub', topics: ['news'] }]);
    expect(server.publish('news', { n: 1 })).toBe(0);
  });

  it('throws a TypeError for data that is not JSON, sending nothing', async () => {
    const { server, url } = await harness.start();
    await harness.connect(url);
    await waitUntil(() => server.stats().openSockets === 1, 'a socket');
    const framesOut = server.stats().framesOut;
    expect(() => server.broadcast(Symbol('x') as unknown as object)).toThrow(TypeError);
    expect(() => server.push(42 as unknown as string, 'x')).toThrow(TypeError);
    expect(server.stats().framesOut).toBe(framesOut);
  });
});

describe('malformed and oversize frames', () => {
  const malformed: [string, string, string][] = [
    ['not JSON', '{"$ts":"sub","topics":[', 'malformed'],
    ['a $ts that is not a string', '{"$ts":7}', 'malformed'],
    ['sub without topics', '{"$ts":"sub"}', 'malformed'],
    ['sub with a non-string topic', '{"$ts":"sub","topics":["a",1]}', 'malformed'],
    ['msg with an id past 2^53', '{"$ts":"msg","id":9007199254740992,"text":"x"}', 'malformed'],
    ['an unknown kind', '{"$ts":"nope"}', 'unknown-kind'],
    ['a kind only the server sends', '{"$ts":"hello","v":1}', 'unknown-kind'],
  ];

  it.each(malformed)(
    'answers a worker sending %s with an error frame and counts it',
    async (_, sent, code) => {
      const { server, url } = await harness.start();
      const seenByApp: unknown[] = [];
      server.on('message', (_client, data) => seenByApp.push(data));
      const offender = await worker(url, []);
      const bystander = await worker(url, ['t']);
      await waitUntil(() => server.publish('t', { probe: true }) === 1, 'the bystander subscribed');

      offender.send(sent);
      const error = await offender.waitForMessage((text) => text.includes('"error"'), 'the error');
      expect(JSON.parse(error)).toMatchObject({ $ts: 'error', code, message: expect.any(String) });
      expect(server.stats().malformedFrames).toBe(1);
      expect(seenByApp).toEqual([]);

      // Both sockets still work: the offender is answered, the bystander keeps its topics.
      offender.send('ping');
      await offender.waitForMessage((text) => text === 'pong', 'pong after the error');
      expect(server.publish('t', { after: true })).toBe(1);
      await waitUntil(
        () => pushed(bystander).some((data) => (data as { after?: boolean }).after === true),
        'the publish after the error',
      );
      expect(bystander.messages.some((text) => text.includes('"error"'))).toBe(false);
      expect(server.stats().openSockets).toBe(2);
    },
  );

  it('passes text that is not JSON and not a control frame to the app, uncounted', async () => {
    const { server, url } = await harness.start();
    const seen: [string, unknown, string | null][] = [];
    server.on('message', (client, data, text) => seen.push([client.userId, data, text]));
    const client = await harness.connect(url);
    client.send('hello there');
    client.send('{"kind":"chat","text":"hi"}');
    await waitUntil(() => seen.length === 2, 'two app frames');
    expect(seen.map(([, data, text]) => [data, text])).toEqual([
      ['hello there', 'hello there'],
      [{ kind: 'chat', text: 'hi' }, '{"kind":"chat","text":"hi"}'],
    ]);
    expect(server.stats()).toMatchObject({ malformedFrames: 0, framesIn: 2 });
  });

  it('closes a socket that sends a frame over maxPayload with 1009, and only that one', async () => {
    const { server, url } = await harness.start({ maxPayload: 1024 });
    const big = await harness.connect(url);
    const small = await harness.connect(url);
    await waitUntil(() => server.stats().openSockets === 2, 'two sockets');

    small.send('x'.repeat(1024));
    big.send('x'.repeat(1025));
    expect((await within(big.closed, 'the oversize close')).code).toBe(1009);

    small.send('ping');
    await small.waitForMessage((text) => text === 'pong', 'pong on the other socket');
    expect(server.stats().openSockets).toBe(1);
  });
});

describe('#stats', () => {
  it('counts frames in and out, heartbeats included', async () => {
    const { server, url } = await harness.start();
    const client = await harness.connect(url);
    client.send('ping');
    client.send('app');
    await client.waitForMessage((text) => text === 'pong', 'pong');
    await waitUntil(() => server.stats().framesIn === 2, 'two frames in');
    expect(server.stats()).toEqual({
      openSockets: 1,
      httpStreams: 0,
      onlineUsers: 1,
      framesIn: 2,
      framesOut: 2, // hello and pong
      malformedFrames: 0,
      sessions: 0,
      rememberedFrames: 0,
    });
  });
});

describe('#close', () => {
  it('terminates every client, records them offline and stops taking connections', async () => {
    const { server, url } = await harness.start({
      authenticate: tokenFromQuery,
      liveness: { interval: 50, timeout: 20 },
    });
    const ann = await harness.connect(`${url}/?token=ann`);
    await harness.connect(`${url}/?token=bob`);
    await waitUntil(() => server.stats().openSockets === 2, 'two sockets');

    await server.close();
    expect(server.stats()).toMatchObject({ openSockets: 0, onlineUsers: 0 });
    expect(await server.presence.counts()).toEqual({ online: 0, offline: 2 });
    expect((await within(ann.closed, 'the client close')).code).toBe(1006);
    await expect(harness.connect(`${url}/?token=ann`)).rejects.toThrow();
    // Idempotent: a second call resolves the same way.
    await server.close();
  });

  it('leaves no timer behind', async () => {
    // Fake timers that still run in real time, so sockets and waits behave as usual but every
    // pending timer can be counted.
    vi.useFakeTimers({
      shouldAdvanceTime: true,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    });
    try {
      const { server, url } = await harness.start({ liveness: { interval: 50, timeout: 40 } });
      const client = await harness.connect(url);
      let pinged = false;
      client.socket.on('ping', () => (pinged = true));
      await waitUntil(() => pinged, 'a sweep');
      expect(vi.getTimerCount()).toBeGreaterThan(0);

      await server.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
