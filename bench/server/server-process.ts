/**
 * One server of the bench, in a process of its own so that its memory, CPU and event loop
 * are its own: a bare `ws` server (the floor), or tabsocket's reference server, alone or as
 * one node of the two-node Redis cluster. Asked over IPC by `run.ts`; loopback only.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { type WebSocket, WebSocketServer } from 'ws';
import { createTabSocketServer } from '../../server';
import { createRedisFanout, createRedisStores, RedisPresenceStore } from '../../server/redis';
import { type BenchPayload, HALF_TOPIC, now, type ServerAsk, type ServerStart } from './ipc';
import { serve } from './rpc';

/** What the bench does on a server, whichever it is. */
interface BenchServer {
  port: number;
  fanout(payload: BenchPayload): Promise<number>;
  close(drain?: { drain: number; returnWithin: number }): Promise<void>;
}

const LIVENESS = { interval: 30_000, timeout: 10_000 };
/** Above the bench's largest count: the default 10,000 is a limit, not what is measured. */
const MAX_SESSIONS = 25_000;

process.on('SIGTERM', () => process.exit(0));
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let server: BenchServer | undefined;

serve<ServerAsk>(async (ask) => {
  switch (ask.op) {
    case 'start':
      server = await start(ask.start);
      // A restarted node's storm begins now: its start-up is not the storm's delay.
      loop.reset();
      return { port: server.port };
    case 'memory':
      for (let i = 0; i < 3; i++) {
        (globalThis as { gc?: () => void }).gc?.();
        await sleep(50);
      }
      return process.memoryUsage();
    case 'fanout':
      return { written: await required(server).fanout(ask.payload) };
    case 'cpu': {
      const before = process.cpuUsage();
      const from = now();
      await sleep(ask.ms);
      const used = process.cpuUsage(before);
      return { percent: ((used.user + used.system) / 1000 / (now() - from)) * 100 };
    }
    case 'loop-reset':
      loop.reset();
      return {};
    case 'loop':
      return { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    case 'close':
      await required(server).close(ask.drain);
      setImmediate(() => process.exit(0));
      return {};
  }
});

function required(value: BenchServer | undefined): BenchServer {
  if (!value) throw new Error('no server started');
  return value;
}

async function start(options: ServerStart): Promise<BenchServer> {
  if (options.kind === 'bare') return startBare(options.port);
  const redis =
    options.kind === 'redis'
      ? await redisParts(options.redisUrl ?? '', options.prefix ?? 'bench:')
      : undefined;
  const cluster = redis ? await redis.fanout() : undefined;
  const tabsocket = createTabSocketServer({
    port: options.port,
    liveness: LIVENESS,
    sessions: { maxTotal: MAX_SESSIONS, maxPerUser: MAX_SESSIONS },
    ...(options.upgradeRate === false ? { upgradeRate: false } : {}),
    ...(redis?.stores ?? {}),
    ...(cluster ? { fanout: cluster } : {}),
  });
  await tabsocket.listening();
  return {
    port: portOf(tabsocket.wss),
    async fanout(payload) {
      const data = { ...payload };
      const answer =
        payload.k === 'p' ? tabsocket.publish(HALF_TOPIC, data) : tabsocket.broadcast(data);
      // With the Redis fan-out the answer is the fan-out's number, not a count of sockets.
      if (typeof answer === 'number') return answer;
      await answer;
      return 0;
    },
    async close(drain) {
      await tabsocket.close(drain);
      await redis?.stop(cluster);
    },
  };
}

async function redisParts(url: string, prefix: string) {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  const replay = { maxCount: 1000, maxAge: 120_000 };
  const { replayStore } = createRedisStores(client, { prefix, replay });
  const presenceStore = new RedisPresenceStore(client, { prefix });
  return {
    stores: { replay, replayStore, presenceStore },
    fanout: async () => {
      const subscriber = client.duplicate();
      subscriber.on('error', () => {});
      await subscriber.connect();
      return createRedisFanout({
        publisher: client,
        subscriber,
        prefix,
        store: replayStore,
      });
    },
    stop: async (cluster: { stop(): Promise<void> } | undefined) => {
      await cluster?.stop();
      presenceStore.close();
      await client.quit();
    },
  };
}

/** The floor: `ws` answering the heartbeat, pinging for liveness, and fanning out. */
async function startBare(port: number): Promise<BenchServer> {
  const wss = new WebSocketServer({ port, host: '127.0.0.1', maxPayload: 1024 * 1024 });
  const half = new WeakSet<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  let count = 0;
  wss.on('connection', (socket) => {
    socket.on('error', () => {});
    if (count++ % 2 === 0) half.add(socket);
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    socket.on('message', (data, isBinary) => {
      if (!isBinary && data.toString() === 'ping') socket.send('pong');
    });
  });
  const liveness = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, LIVENESS.interval);
  await new Promise((resolve) => wss.once('listening', resolve));
  return {
    port: portOf(wss),
    async fanout(payload) {
      const text = JSON.stringify(payload);
      let written = 0;
      for (const socket of wss.clients) {
        if (payload.k === 'p' && !half.has(socket)) continue;
        socket.send(text);
        written += 1;
      }
      return written;
    },
    async close() {
      clearInterval(liveness);
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

function portOf(wss: WebSocketServer): number {
  const address = wss.address();
  return typeof address === 'object' && address ? address.port : 0;
}
