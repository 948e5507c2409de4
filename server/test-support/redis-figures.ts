/**
 * The figures of issue 12: the session registry (numbering, logging, writing) on the
 * in-memory store and on Redis, with sockets that only count what is written, so that only
 * the stores differ. Not a test: run it by hand (it starts its own redis-server):
 *
 *   npx tsx server/test-support/redis-figures.ts [sessions=1000] [pushes=100]
 *
 * - fan-out: `pushes` broadcasts, each pushed to `sessions` attached sessions with
 *   `pushAll` (as the router does), timed until the last frame is written; pushes/s counts
 *   session pushes.
 * - resume: a session with 100 pushes resumed after push 50, one after the other; the time
 *   from `resume` to the outcome, median and 99th percentile.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from 'redis';
import { MemoryReplayStore } from '../memory-replay-store';
import { nodeClock } from '../node-clock';
import { pushPayload } from '../outbound-frame';
import { RedisReplayStore } from '../redis/redis-replay-store';
import type { ReplayStore } from '../replay-store';
import { type Session, SessionRegistry, type SessionSocket } from '../session-registry';
import { startRedisServer } from './redis-server';

const SESSIONS = Number(process.argv[2] ?? 1_000);
const PUSHES = Number(process.argv[3] ?? 100);
const LIMITS = { maxCount: 1_000, maxAge: 120_000, maxBytes: 1 << 20 };

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

async function resume(registry: SessionRegistry, socket: SessionSocket, id: string, last = 0) {
  return new Promise<Session>((resolve, reject) => {
    void registry.resume(socket, id, last, (outcome) =>
      outcome.kind === 'attached' ? resolve(outcome.session) : reject(new Error(outcome.kind)),
    );
  });
}

async function fanout(store: ReplayStore): Promise<number> {
  const registry = registryOn(store);
  const sockets: CountingSocket[] = [];
  const sessions: Session[] = [];
  for (let index = 0; index < SESSIONS; index++) {
    const socket = new CountingSocket(`user-${index}`);
    sockets.push(socket);
    sessions.push(await resume(registry, socket, `fanout-${index}`));
  }
  const payload = pushPayload('"data":{"price":12.5,"symbol":"ACME"}');
  const total = SESSIONS * PUSHES;
  const started = performance.now();
  for (let push = 0; push < PUSHES; push++) {
    registry.pushAll(sessions, payload);
    // Let the event loop run between broadcasts, as a server between its callers' pushes.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const written = () => sockets.reduce((sum, socket) => sum + socket.written, 0);
  while (written() < total) await new Promise((resolve) => setTimeout(resolve, 1));
  return total / ((performance.now() - started) / 1_000);
}

async function resumeLatency(store: ReplayStore): Promise<{ median: number; p99: number }> {
  const registry = registryOn(store);
  const times: number[] = [];
  for (let index = 0; index < 200; index++) {
    const id = `resume-${index}`;
    const session = await resume(registry, new CountingSocket('ann'), id);
    for (let push = 0; push < 100; push++) registry.push(session, pushPayload(`"data":${push}`));
    await session.outbound.settled();
    const started = performance.now();
    await resume(registry, new CountingSocket('ann'), id, 50);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[100] ?? 0, p99: times[197] ?? 0 };
}

const redis = await startRedisServer();
const client = createClient({ url: redis.url });
await client.connect();
try {
  const memory = () => new MemoryReplayStore(LIMITS);
  let prefix = 0;
  const onRedis = () =>
    new RedisReplayStore(client, { prefix: `figures${++prefix}:`, replay: LIMITS });
  const memoryRate = await fanout(memory());
  const redisRate = await fanout(onRedis());
  const memoryResume = await resumeLatency(memory());
  const redisResume = await resumeLatency(onRedis());
  const f = (n: number) => Math.round(n).toLocaleString('en');
  const ms = (n: number) => n.toFixed(3);
  console.log(`fan-out to ${SESSIONS} sessions, ${PUSHES} broadcasts (session pushes/s):`);
  console.log(
    `  memory ${f(memoryRate)}   redis ${f(redisRate)}   ratio ${(redisRate / memoryRate).toFixed(2)}`,
  );
  console.log('resume after 50 of 100 pushes (ms, median / p99):');
  console.log(
    `  memory ${ms(memoryResume.median)} / ${ms(memoryResume.p99)}   redis ${ms(redisResume.median)} / ${ms(redisResume.p99)}`,
  );
} finally {
  await client.quit();
  await redis.stop();
}
