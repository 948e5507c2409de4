/**
 * The session stores of `tabsocket/server`, in memory and on Redis (issue 12), in one run:
 * the session registry (numbering, logging, writing) with sockets that only count what is
 * written, so that only the stores differ. Starts its own redis-server (Debian's package).
 *
 * - fan-out: FANOUT.pushes broadcasts to FANOUT.sessions attached sessions, timed until the
 *   last frame is written; the rate counts session pushes. In memory, the server's own
 *   broadcast; on Redis, through `RedisFanout`: numbered and published by Redis, made by
 *   the server's subscriber.
 * - resume: a session with 100 pushes resumed after push 50, one after the other; the time
 *   from `resume` to the outcome.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from 'redis';
import { type RedisClient, startRedisServer } from '../../dev/redis-server';
import { MemoryReplayStore } from '../../server/memory/memory-replay-store';
import { nodeClock } from '../../server/node-clock';
import { createRedisFanout } from '../../server/redis/redis-fanout';
import { RedisReplayStore } from '../../server/redis/redis-replay-store';
import {
  type Session,
  SessionRegistry,
  type SessionSocket,
} from '../../server/sessions/session-registry';
import { pushPayload } from '../../server/stores/push-payload';
import type { ReplayStore } from '../../server/stores/replay-store';
import type { StoreFigures } from '../results';
import { summarize } from '../stats';

export const FANOUT = { sessions: 1_000, pushes: 100 };
const RESUMES = 200;
const LIMITS = { maxCount: 1_000, maxAge: 120_000, maxBytes: 1 << 20 };
const DATA = { price: 12.5, symbol: 'ACME' };
const PAYLOAD = pushPayload(`"data":${JSON.stringify(DATA)}`);

class CountingSocket implements SessionSocket {
  topics: ReadonlySet<string> = new Set();
  readonly isOpen = true;
  written = 0;
  constructor(readonly userId: string) {}
  sendText(): boolean {
    this.written += 1;
    return true;
  }
  terminate(): void {}
}

function registryOn(store: ReplayStore): SessionRegistry {
  const options = { ...LIMITS, dedupeWindow: 1_024, maxPerUser: 16, maxTotal: 100_000 };
  return new SessionRegistry(store, { ...options, anonymous: false }, nodeClock, (error) => {
    throw error;
  });
}

function resume(registry: SessionRegistry, socket: SessionSocket, id: string, last = 0) {
  return new Promise<Session>((resolve, reject) => {
    void registry.resume(socket, id, last, (outcome) =>
      outcome.kind === 'attached' ? resolve(outcome.session) : reject(new Error(outcome.kind)),
    );
  });
}

/** FANOUT.sessions attached sessions, each on a socket that counts what it is written. */
async function attached(registry: SessionRegistry) {
  const sockets: CountingSocket[] = [];
  const sessions: Session[] = [];
  for (let index = 0; index < FANOUT.sessions; index++) {
    const socket = new CountingSocket(`user-${index}`);
    sockets.push(socket);
    sessions.push(await resume(registry, socket, `fanout-${index}`));
  }
  const written = () => sockets.reduce((sum, socket) => sum + socket.written, 0);
  return { sessions, written };
}

/**
 * Session pushes per second of FANOUT.pushes broadcasts made with `broadcast`, timed until
 * the last frame is written.
 */
async function timeBroadcasts(broadcast: () => unknown, written: () => number): Promise<number> {
  const total = FANOUT.sessions * FANOUT.pushes;
  const started = performance.now();
  for (let push = 0; push < FANOUT.pushes; push++) {
    broadcast();
    // Let the event loop run between broadcasts, as a server between its callers' pushes.
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (written() < total) await new Promise((resolve) => setTimeout(resolve, 1));
  return total / ((performance.now() - started) / 1_000);
}

/** In memory: the server's `broadcast`, straight to its sessions. */
async function fanoutInMemory(): Promise<number> {
  const registry = registryOn(new MemoryReplayStore(LIMITS));
  const { sessions, written } = await attached(registry);
  return timeBroadcasts(() => registry.pushAll(sessions, PAYLOAD), written);
}

/**
 * On Redis: a broadcast through `RedisFanout`, as an app of several servers makes it: Redis numbers
 * and publishes it, and the server's subscriber makes it on its sessions.
 */
async function fanoutOnRedis(client: RedisClient, prefix: string): Promise<number> {
  const store = new RedisReplayStore(client, { prefix, replay: LIMITS });
  const registry = registryOn(store);
  const sessions: Session[] = [];
  const subscriber = client.duplicate();
  await subscriber.connect();
  const fanout = await createRedisFanout({ publisher: client, subscriber, prefix, store });
  // In the server's stead: it makes the broadcasts on the sessions, as its push router would.
  fanout.attach({
    make: () => registry.pushAll(sessions, PAYLOAD),
    bodyOf: () => PAYLOAD.body,
    endSockets: () => {},
  });
  try {
    const made = await attached(registry);
    sessions.push(...made.sessions);
    return await timeBroadcasts(() => fanout.send({ k: 'b', d: DATA }), made.written);
  } finally {
    await fanout.stop();
    await subscriber.quit();
  }
}

/** Milliseconds from `resume` after push 50 of 100 to its outcome, RESUMES times. */
async function resumeTimes(store: ReplayStore): Promise<number[]> {
  const registry = registryOn(store);
  const times: number[] = [];
  for (let index = 0; index < RESUMES; index++) {
    const id = `resume-${index}`;
    const session = await resume(registry, new CountingSocket('ann'), id);
    for (let push = 0; push < 100; push++) registry.push(session, pushPayload(`"data":${push}`));
    await session.outbound.settled();
    const started = performance.now();
    await resume(registry, new CountingSocket('ann'), id, 50);
    times.push(performance.now() - started);
  }
  return times;
}

export async function measureStores(): Promise<StoreFigures> {
  const redis = await startRedisServer();
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const memory = () => new MemoryReplayStore(LIMITS);
    let prefix = 0;
    const onRedis = () =>
      new RedisReplayStore(client, { prefix: `bench${++prefix}:`, replay: LIMITS });
    const memoryRate = await fanoutInMemory();
    const redisRate = await fanoutOnRedis(client, `bench${++prefix}:`);
    return {
      sessions: FANOUT.sessions,
      broadcasts: FANOUT.pushes,
      fanoutPerSecond: { memory: memoryRate, redis: redisRate },
      fanoutRatio: redisRate / memoryRate,
      resumeMs: {
        memory: summarize(await resumeTimes(memory())),
        redis: summarize(await resumeTimes(onRedis())),
      },
    };
  } finally {
    await client.quit();
    await redis.stop();
  }
}
