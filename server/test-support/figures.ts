/**
 * The figures of issue 9, measured over real sockets on loopback: heap growth of many
 * sessions under broadcasts, of frames sent to a socket that never speaks, and the send
 * buffer of clients that never read. Not a test: run it by hand, one scenario per process
 * so heaps do not mix:
 *
 *   node --expose-gc --import tsx server/test-support/figures.ts sessions-one-user
 *
 * Scenarios: sessions-one-user, sessions-many-users, remembered, slow-reader, refusals.
 * It speaks the protocol as a worker does (the nonce of `hello` goes back in `resume`,
 * when there is one), so it runs against older builds of the server too.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { createTabSocketServer, type TabSocketServer } from '../server';

const MiB = 1024 * 1024;
const KB_PAYLOAD = 'x'.repeat(1024);

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

function heapMiB(): number {
  gc();
  return process.memoryUsage().heapUsed / MiB;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(options: Record<string, unknown> = {}): Promise<{
  server: TabSocketServer;
  url: string;
}> {
  const server = createTabSocketServer({
    port: 0,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
    ...options,
  });
  await server.listening();
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Opens a socket, answers hello with a resume of `session`, waits for the answer. */
async function resumeOnce(url: string, session: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  socket.on('error', () => {});
  const answered = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { $ts?: string; nonce?: string };
      if (frame.$ts === 'hello') {
        socket.send(JSON.stringify({ $ts: 'resume', nonce: frame.nonce, session, last: 0 }));
      } else if (frame.$ts === 'resumed' || frame.$ts === 'resync' || frame.$ts === 'error') {
        resolve();
      }
    });
    socket.once('close', () => resolve());
    setTimeout(() => reject(new Error('no answer to resume')), 10_000);
  });
  await answered;
  return socket;
}

/** `count` sessions, left detached (their sockets terminated), `user(i)` owning each. */
async function detachedSessions(url: string, count: number, user: (i: number) => string) {
  const batch = 50;
  for (let first = 0; first < count; first += batch) {
    const sockets = await Promise.all(
      Array.from({ length: Math.min(batch, count - first) }, (_, k) =>
        resumeOnce(`${url}/?user=${user(first + k)}`, `session-${first + k}-0123456789abcdef`),
      ),
    );
    for (const socket of sockets) socket.terminate();
  }
  await sleep(200);
}

async function sessions(user: (i: number) => string): Promise<void> {
  const { server, url } = await start();
  const before = heapMiB();
  await detachedSessions(url, 2_000, user);
  const afterSessions = heapMiB();
  for (let n = 0; n < 1_000; n++) server.broadcast({ n, pad: KB_PAYLOAD });
  const after = heapMiB();
  console.log(
    JSON.stringify({
      sessions: server.stats().sessions,
      heapBeforeMiB: round(before),
      heapAfterSessionsMiB: round(afterSessions),
      heapAfterBroadcastsMiB: round(after),
      growthMiB: round(after - before),
    }),
  );
  await server.close();
}

/** 100,000 sends of 1 KB to a socket that reads every frame but never says a word. */
async function remembered(): Promise<void> {
  const { server, url } = await start();
  const connected = once(server, 'connection');
  const socket = new WebSocket(`${url}/?user=quiet`);
  socket.on('error', () => {});
  let received = 0;
  socket.on('message', () => (received += 1));
  const [client] = (await connected) as [{ send(data: unknown): boolean }];
  await once(socket, 'open');
  const before = heapMiB();
  for (let n = 0; n < 100_000; n += 1) {
    client.send({ n, pad: KB_PAYLOAD });
    // Let the socket drain now and then, so only what the server remembers stays.
    if (n % 500 === 499) while (received < n - 1_000) await sleep(1);
  }
  while (received < 100_001) await sleep(5);
  const after = heapMiB();
  console.log(
    JSON.stringify({
      sent: 100_000,
      open: socket.readyState === WebSocket.OPEN,
      heapBeforeMiB: round(before),
      heapAfterMiB: round(after),
      growthMiB: round(after - before),
    }),
  );
  socket.terminate();
  await server.close();
}

/**
 * A client that stops reading but sends a heartbeat every 200 ms, while the server pushes
 * 10 MB/s to it, for up to 10 s. Peak of the server side's `bufferedAmount`.
 */
async function slowReader(): Promise<void> {
  const { server, url } = await start({ liveness: { interval: 1_000, timeout: 500 } });
  const socket = await resumeOnce(`${url}/?user=slow`, 'slow-session-0123456789');
  (socket as unknown as { _socket: { pause(): void } })._socket.pause();
  const heartbeat = setInterval(
    () => socket.readyState === WebSocket.OPEN && socket.send('ping'),
    200,
  );
  let closed: { code: number; at: number } | undefined;
  const startedAt = Date.now();
  socket.once('close', (code) => (closed = { code, at: Date.now() - startedAt }));
  const serverSide = [...server.wss.clients][0] as WebSocket;
  let serverClose: number | undefined;
  serverSide.once('close', (code) => (serverClose = code));
  let peak = 0;
  while (Date.now() - startedAt < 10_000 && serverSide.readyState === WebSocket.OPEN) {
    for (let n = 0; n < 100; n++) server.push('slow', KB_PAYLOAD);
    peak = Math.max(peak, serverSide.bufferedAmount);
    await sleep(10);
  }
  const stoppedAt = serverSide.readyState === WebSocket.OPEN ? null : Date.now() - startedAt;
  await closedOrTimeout(serverSide);
  clearInterval(heartbeat);
  console.log(
    JSON.stringify({
      peakBufferedMiB: round(peak / MiB),
      sendsStoppedAfterMs: stoppedAt,
      serverSideClosedWith: serverClose ?? null,
      clientSawClose: closed ?? null,
    }),
  );
  socket.terminate();
  await server.close();
}

/** A client that resumed a session, stops reading, and sends 200,000 malformed frames. */
async function refusals(): Promise<void> {
  const { server, url } = await start();
  const socket = await resumeOnce(`${url}/?user=rude`, 'rude-session-0123456789');
  (socket as unknown as { _socket: { pause(): void } })._socket.pause();
  const serverSide = [...server.wss.clients][0] as WebSocket;
  let serverClose: number | undefined;
  serverSide.once('close', (code) => (serverClose = code));
  const frame = '{"$ts":"nope"}';
  let sentBytes = 0;
  for (let n = 0; n < 200_000; n++) {
    if (socket.readyState !== WebSocket.OPEN) break;
    socket.send(frame);
    sentBytes += frame.length;
  }
  let peak = 0;
  const framesIn = () => server.stats().framesIn;
  const closing = closedOrTimeout(serverSide);
  const deadline = Date.now() + 20_000;
  let last = -1;
  while (Date.now() < deadline && framesIn() !== last) {
    last = framesIn();
    peak = Math.max(peak, serverSide.bufferedAmount);
    await sleep(100);
  }
  await closing;
  console.log(
    JSON.stringify({
      sentMiB: round(sentBytes / MiB),
      framesReadByServer: server.stats().framesIn,
      refused: server.stats().malformedFrames,
      peakAnswerQueueKiB: round(Math.max(peak, serverSide.bufferedAmount) / 1024),
      serverSideClosedWith: serverClose ?? null,
    }),
  );
  socket.terminate();
  await server.close();
}

/** Until the socket's close event, 3 s at most. */
async function closedOrTimeout(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return;
  await Promise.race([once(socket, 'close'), sleep(3_000)]);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const scenarios: Record<string, () => Promise<void>> = {
  'sessions-one-user': () => sessions(() => 'mallory'),
  'sessions-many-users': () => sessions((i) => `user-${i}`),
  remembered,
  'slow-reader': slowReader,
  refusals,
};

const name = process.argv[2] ?? '';
const scenario = scenarios[name];
if (!scenario) {
  console.error(`usage: figures.ts ${Object.keys(scenarios).join('|')}`);
  process.exit(2);
}
await scenario();
process.exit(0);
