import { summarize } from '../stats';
import type { Load } from './cluster';
import { type BenchPayload, now, type ServerAsk } from './ipc';
import type { Rpc } from './rpc';

export interface FanoutFigure {
  /** Sessions that got it, of those it was for. */
  delivered: number;
  expected: number;
  /** From the server's call until the last session had it. */
  lastMs: number;
  p50Ms: number;
  p99Ms: number;
  pushesPerSecond: number;
}

let nextId = 0;
const WAIT_LIMIT_MS = 30_000;
const STALL_MS = 3_000;

/**
 * One fan-out from `server` (a broadcast, or a publish to the topic half the sessions
 * want), timed by every session that gets it against the time the server was asked.
 */
export async function fanoutOnce(
  server: Rpc<ServerAsk>,
  load: Load,
  kind: BenchPayload['k'],
  expected: number,
): Promise<FanoutFigure> {
  const id = nextId++;
  await server.ask({ op: 'fanout', payload: { k: kind, i: id, t: now() } });
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let delivered = 0;
  let lastGrowth = Date.now();
  // All of them, or no new one for STALL_MS (a session that never attached misses a publish).
  while (Date.now() < deadline && Date.now() - lastGrowth < STALL_MS) {
    const counts = await load.all<{ count: number }>({ op: 'delivered', kind, id });
    const now = counts.reduce((sum, reply) => sum + reply.count, 0);
    if (now > delivered) lastGrowth = Date.now();
    delivered = now;
    if (delivered >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const replies = await load.all<{ samples: number[] }>({ op: 'latencies', kind, id });
  const samples = replies.flatMap((reply) => reply.samples);
  const summary = summarize(samples);
  return {
    delivered: samples.length,
    expected,
    lastMs: summary.max,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
    pushesPerSecond: samples.length / (summary.max / 1000),
  };
}

/** `rounds` fan-outs a second apart; the one with the median time to the last delivery. */
export async function fanoutMedian(
  server: Rpc<ServerAsk>,
  load: Load,
  kind: BenchPayload['k'],
  expected: number,
  rounds = 3,
): Promise<FanoutFigure & { rounds: FanoutFigure[] }> {
  const figures: FanoutFigure[] = [];
  for (let round = 0; round < rounds; round++) {
    figures.push(await fanoutOnce(server, load, kind, expected));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const sorted = [...figures].sort((a, b) => a.lastMs - b.lastMs);
  const median = sorted[Math.floor(sorted.length / 2)] as FanoutFigure;
  return { ...median, rounds: figures };
}
