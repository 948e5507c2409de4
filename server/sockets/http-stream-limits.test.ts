/**
 * Review of the HTTP stream (server side): requests that should not leak a stream, crash the
 * server or slip past the socket's limits. Real HTTP on 127.0.0.1, port 0.
 */
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as connectTcp, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { FakeClock } from '../test-support/fake-clock';
import { Harness, isHello, waitUntil, within } from '../test-support/harness';
import { StreamClient } from '../test-support/stream-client';

const harness = new Harness();
const streams: StreamClient[] = [];
const raw: Socket[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.abort();
  for (const socket of raw.splice(0)) socket.destroy();
  await harness.dispose();
});

async function open(url: string, headers?: Record<string, string>): Promise<StreamClient> {
  const stream = await StreamClient.open(url.replace(/^ws/, 'http'), headers);
  streams.push(stream);
  return stream;
}

/** A TCP connection to `port` that has written `text`; answers it and what it read so far. */
async function rawRequest(
  port: number,
  text: string,
): Promise<{ socket: Socket; read: () => string }> {
  const socket = connectTcp(port, '127.0.0.1');
  raw.push(socket);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => {});
  await within(
    new Promise<void>((resolve) => socket.once('connect', () => resolve())),
    'the connection',
  );
  socket.write(text);
  return { socket, read: () => received };
}

describe('requests that must not crash the server', () => {
  it('answers a request whose target is no url (absolute-form with a bad host) instead of throwing', async () => {
    const { server, port } = await harness.start();
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown) => thrown.push(error);
    process.prependListener('uncaughtException', onUncaught);
    try {
      // llhttp takes this request-target; `new URL(request.url, 'http://host')` throws on it.
      const { read } = await rawRequest(
        port,
        'GET http://[bad HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n',
      );
      await waitUntil(() => read().startsWith('HTTP/1.1') || thrown.length > 0, 'an answer');
      expect(thrown).toEqual([]);
      expect(read()).toMatch(/^HTTP\/1\.1 [45]\d\d/);
      // The server still serves.
      expect((await open(`ws://127.0.0.1:${port}`)).status).toBe(200);
      expect(server.stats().httpStreams).toBe(1);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});

describe('the limits hold for streams as for upgrades', () => {
  it('holds streams to upgradeRate as it holds upgrades (a storm of streams is paced too)', async () => {
    const { server, url } = await harness.start({ upgradeRate: { perSecond: 1, burst: 1 } });
    // Upgrades past the bucket are closed with 1013 before any hello or session work.
    const first = await open(url);
    await waitUntil(() => first.id !== '', 'the first stream');
    const second = await open(url);
    expect(await within(second.ended, 'the second stream refused')).toMatchObject({ code: 1013 });
    expect(server.stats().httpStreams).toBe(1);
  });

  it('does not close a stream with 1009 "Body too large" for a POST that was cut short', async () => {
    const { server, port, url } = await harness.start();
    const stream = await open(url);
    await waitUntil(() => stream.id !== '', 'the stream id');
    // A POST of 100 bytes announced, 10 sent, then the connection drops (a network cut, a
    // tab's fetch aborted): nothing was too large. A 1009 makes the worker refuse its largest
    // pending send as too large for the server (`refuseLargest`), though it is not.
    const { socket } = await rawRequest(
      port,
      `POST /?stream= HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n${stream.id}\n4:ping`,
    );
    await waitUntil(
      () => server.stats().framesIn === 0 && socket.writableLength === 0,
      'the part sent',
    );
    socket.destroy();
    // Then a POST of its own on the stream: its pong says the stream still reads.
    const after = await stream.post(['ping']).catch(() => 0);
    await waitUntil(
      () => after !== 204 || stream.frames().includes('pong') || stream.response.complete,
      'the pong or the end',
    );
    if (stream.response.complete) expect((await stream.ended).code).not.toBe(1009);
    else expect(after).toBe(204);
  });
});

describe('a stream whose reader does not read', () => {
  it('is closed past maxBufferedAmount, as a socket is, instead of buffering without bound', async () => {
    const { server, port } = await harness.start({
      maxBufferedAmount: 256 * 1024,
      liveness: false,
    });
    const { socket } = await rawRequest(
      port,
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n',
    );
    await waitUntil(() => server.stats().httpStreams === 1, 'the stream');
    socket.pause();
    const chunk = 'x'.repeat(64 * 1024);
    for (let push = 0; push < 400 && server.stats().httpStreams === 1; push += 1) {
      server.broadcast(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.stats().httpStreams).toBe(0);
  });
});

describe('a drain spreads the closes of streams as of sockets', () => {
  it('keeps taking the POSTs of a stream the drain has not closed yet', async () => {
    const clock = new FakeClock();
    const { server, url } = await harness.start({ liveness: false }, { clock });
    const messages: unknown[] = [];
    server.on('message', (_client, data) => messages.push(data));
    const stream = await open(url);
    const nonce = (JSON.parse(await stream.waitForFrame(isHello, 'hello')) as { nonce: string })
      .nonce;
    const session = 'session-0123456789abcdef0123456789';
    expect(await stream.post([{ $ts: 'resume', nonce, session, last: 0 }])).toBe(204);
    await stream.waitForFrame((text) => text.includes('"resumed"'), 'resumed');
    // A drain over 10 s: this stream's turn to be closed (1012 and a hint) has not come.
    const closing = server.close({ drain: 10_000 });
    try {
      expect(stream.response.complete).toBe(false);
      // A WebSocket keeps working until its turn; the stream's sends are refused with 503,
      // which the worker takes for a failed stream (1006): it reconnects at once, unpaced,
      // without the hint, and its send waits for the next socket.
      expect(await stream.post([{ $ts: 'msg', id: 1, text: '"during the drain"' }])).toBe(204);
      await stream.waitForFrame((text) => text === '{"$ts":"ack","id":1}', 'ack 1');
      expect(messages).toEqual(['during the drain']);
    } finally {
      clock.advance(10_000);
      await closing;
    }
    expect(await stream.ended).toMatchObject({ code: 1012 });
  });
});

describe('a stream opened during a drain', () => {
  it('is closed with 1012 and the retry hint, as an upgrade during the drain is', async () => {
    const clock = new FakeClock();
    const { url, server } = await harness.start({ liveness: false }, { clock });
    const first = await open(url);
    await waitUntil(() => first.id !== '', 'the first stream');
    const closing = server.close({ drain: 10_000, returnWithin: 4_000 });
    try {
      const late = await open(url);
      expect(late.status).toBe(200);
      const ended = await within(late.ended, 'the late stream closed');
      expect(ended.code).toBe(1012);
      expect(JSON.parse(ended.reason)).toEqual({ $ts: 'retry', after: 0, within: 4_000 });
    } finally {
      clock.advance(10_000);
      await closing;
    }
  });
});

describe('handleRequest on an attached WebSocketServer', () => {
  it('answers false for the app\'s other paths, as server.md says ("it answers false for other paths")', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/ws' });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { server } = await harness.start({ wss });
    // The request handler as transports.md writes it: the streams first, then the app's pages.
    http.on('request', (request, response) => {
      if (server.handleRequest(request, response)) return;
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>the app</h1>');
    });
    harness.onDispose(
      () =>
        new Promise<void>((resolve) => {
          wss.close();
          http.closeAllConnections();
          http.close(() => resolve());
        }),
    );
    const { port } = http.address() as AddressInfo;
    const status = await within(
      new Promise<number>((resolve, reject) => {
        get(`http://127.0.0.1:${port}/index.html`, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject);
      }),
      'the page',
    );
    // The stream's path is unknown for an attached server: every request of the site is
    // taken, and a page is answered 426 Upgrade Required.
    expect(status).toBe(200);
  });

  it("takes only the streams' own requests from a wss without a path (it upgrades on every path)", async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { server } = await harness.start({ wss });
    http.on('request', (request, response) => {
      if (server.handleRequest(request, response)) return;
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>the app</h1>');
    });
    harness.onDispose(
      () =>
        new Promise<void>((resolve) => {
          wss.close();
          http.closeAllConnections();
          http.close(() => resolve());
        }),
    );
    const { port } = http.address() as AddressInfo;
    const page = await within(
      new Promise<number>((resolve, reject) => {
        get(`http://127.0.0.1:${port}/index.html`, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject);
      }),
      'the page',
    );
    expect(page).toBe(200);
    const stream = await open(`http://127.0.0.1:${port}/anywhere`);
    await waitUntil(() => stream.id !== '', 'the stream id');
    expect(server.stats().httpStreams).toBe(1);
  });
});
