import { once } from 'node:events';
import { kill, Load, startServer } from './cluster';
import { now, type PushCheck, type ServerAsk, type ServerStart, type StormReport } from './ipc';
import type { Rpc } from './rpc';

/** How the node holding the sessions goes away. */
export type Departure = 'kill' | 'close' | 'drain';

export interface StormScenario {
  name: string;
  store: 'memory' | 'redis';
  departure: Departure;
  /** The server's upgrade rate limit (default) and, for `drain`, its hint; else neither. */
  admission: boolean;
}

export interface StormFigure extends StormScenario {
  sessions: number;
  /** Sessions that never attached before the storm (their worker took the server for plain). */
  unattached: number;
  /** From the node's departure until 99% of the sessions were open and attached again. */
  to99Ms: number | null;
  toAllMs: number | null;
  /** Upgrades completed (1013s included), and the most in one 100 ms window. */
  handshakes: number;
  peakPer100Ms: number;
  /** The peak's share of the sessions (the goal: at most 10%). */
  peakShare: number;
  /** Sessions attached again (the handshakes the server did the resume's work for). */
  peakBackPer100Ms: number;
  resumed: number;
  resynced: number;
  closes: Record<string, number>;
  /** The event-loop delay of the node that took the sessions back, over the storm. */
  loopP99Ms: number;
  loopMaxMs: number;
  pushes: PushCheck;
}

const STORM_LIMIT_MS = 90_000;
/** A broadcast to every session costs the server a write per socket: once a second keeps the check without making the storm a fan-out bench. */
const PUSH_EVERY_MS = 1_000;
/** Sockets closed over this on a cluster node's drain; each told to return over as long. */
const CLUSTER_DRAIN = { drain: 5_000, returnWithin: 5_000 };
/** A single node restarts: its sockets all go at once, and return over ten seconds. */
const SINGLE_DRAIN = { drain: 0, returnWithin: 10_000 };

/**
 * A node holding `sessions` sessions goes away, and every worker comes back: to the same
 * port restarted (memory store: the sessions are lost, each resyncs), or to the other node
 * of the Redis cluster (the sessions are kept, each resumes). Storm pushes go out every
 * second from whichever node is up, and three more once all are back.
 */
export async function runStorm(
  scenario: StormScenario,
  sessions: number,
  redisUrl: string,
  prefix: string,
): Promise<StormFigure> {
  const redis = scenario.store === 'redis';
  const base: ServerStart = redis
    ? { kind: 'redis', port: 0, redisUrl, prefix }
    : { kind: 'tabsocket', port: 0 };
  const limit: Pick<ServerStart, 'upgradeRate'> = scenario.admission ? {} : { upgradeRate: false };
  // The sessions open unpaced; only the node that takes them back is the scenario's.
  const first = await startServer({ ...base, upgradeRate: false });
  const other = redis ? await startServer({ ...base, ...limit }) : undefined;
  const urls = [first.port, ...(other ? [other.port] : [])].map((port) => `ws://127.0.0.1:${port}`);
  const load = new Load(2);
  let live: Rpc<ServerAsk> | undefined = other?.rpc;
  try {
    const unattached = await load.openTo(sessions, urls, false, () => 0);
    for (let i = 0; i < 3; i++) await stormPush(live ?? first.rpc);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await load.all({ op: 'storm-begin' });
    await live?.ask({ op: 'loop-reset' });

    const departed = now();
    if (redis) await load.all({ op: 'node', node: 0, up: false });
    if (scenario.departure === 'kill') {
      await kill(first.rpc.child);
    } else {
      const drain =
        scenario.departure === 'drain' ? (redis ? CLUSTER_DRAIN : SINGLE_DRAIN) : undefined;
      const exited = once(first.rpc.child, 'exit');
      await first.rpc.ask({ op: 'close', ...(drain ? { drain } : {}) });
      await exited;
    }
    if (!redis) live = (await startServer({ ...base, port: first.port, ...limit })).rpc;
    const server = live as Rpc<ServerAsk>;

    const pushing = setInterval(() => void stormPush(server), PUSH_EVERY_MS);
    try {
      await load.waitReady(sessions, STORM_LIMIT_MS);
    } finally {
      clearInterval(pushing);
    }
    const loop = await server.ask<{ p99: number; max: number }>({ op: 'loop' });
    const reports = await load.all<StormReport>({ op: 'storm-report' });
    for (let i = 0; i < 3; i++) await stormPush(server);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const checks = await load.all<PushCheck>({ op: 'check' });
    return {
      ...scenario,
      sessions,
      unattached,
      ...timing(reports, departed, sessions),
      loopP99Ms: loop.p99,
      loopMaxMs: loop.max,
      pushes: sumChecks(checks),
    };
  } finally {
    await load.close();
    await kill(first.rpc.child);
    if (other) await kill(other.rpc.child, 'SIGTERM');
    if (live && live !== other?.rpc) await kill(live.child, 'SIGTERM');
  }
}

let stormPushes = 0;
async function stormPush(server: Rpc<ServerAsk>): Promise<void> {
  await server.ask({ op: 'fanout', payload: { k: 's', i: stormPushes++, t: now() } });
}

function timing(reports: StormReport[], departed: number, sessions: number) {
  const back = reports.flatMap((report) => report.back).sort((a, b) => a - b);
  const opens = reports.flatMap((report) => report.opens);
  const peak = peakPer100Ms(opens, departed);
  const at = (share: number) => {
    const value = back[Math.ceil(share * sessions) - 1];
    return value === undefined ? null : value - departed;
  };
  const closes: Record<string, number> = {};
  for (const report of reports) {
    for (const [code, count] of Object.entries(report.closes))
      closes[code] = (closes[code] ?? 0) + count;
  }
  return {
    to99Ms: at(0.99),
    toAllMs: at(1),
    handshakes: opens.length,
    peakPer100Ms: peak,
    peakShare: peak / sessions,
    peakBackPer100Ms: peakPer100Ms(back, departed),
    resumed: reports.reduce((sum, report) => sum + report.resumed, 0),
    resynced: reports.reduce((sum, report) => sum + report.resynced, 0),
    closes,
  };
}

/** The most of `times` in one 100 ms window counted from `from`. */
function peakPer100Ms(times: number[], from: number): number {
  const windows = new Map<number, number>();
  for (const at of times) {
    const window = Math.floor((at - from) / 100);
    windows.set(window, (windows.get(window) ?? 0) + 1);
  }
  return Math.max(0, ...windows.values());
}

function sumChecks(checks: PushCheck[]): PushCheck {
  const sum: PushCheck = {
    sessions: 0,
    received: 0,
    duplicates: 0,
    lost: 0,
    missingAtEnd: 0,
    seqGaps: 0,
    resyncs: 0,
  };
  for (const check of checks) {
    for (const key of Object.keys(sum) as (keyof PushCheck)[]) sum[key] += check[key];
  }
  return sum;
}
