/**
 * `npm run bench:server`: tabsocket's reference server at scale, side by side with a bare
 * `ws` server doing the same work (the floor). Memory per idle session, fan-out latency,
 * heartbeat CPU, the same fan-out on the two-node Redis cluster, and the reconnect storm
 * with and without admission control. Loopback only; bounded in count and time (some 8 min
 * on 2 cores). See bench/README.md ("The server at scale") for the method.
 *
 *   BENCH_SERVER_LEVELS=500,1000 BENCH_SERVER_STORM=1000 npm run bench:server   # a quick try
 *   BENCH_SERVER_KINDS= BENCH_SERVER_SCENARIOS=0,4 npm run bench:server         # two storms only
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../../dev/redis-server';
import { kill, Load, startServer } from './cluster';
import { type FanoutFigure, fanoutMedian } from './fanout';
import type { ServerKind } from './ipc';
import { writeReadme } from './report';
import { runStorm, type StormFigure, type StormScenario } from './storm';

/**
 * 20,000 is the issue's; a process here may hold 20,000 file descriptors (`ulimit -Hn`,
 * which a container without CAP_SYS_RESOURCE cannot raise), and the server's one process
 * needs one per socket plus its own: 19,500 is the most it holds.
 */
const LEVELS = numbers(process.env.BENCH_SERVER_LEVELS) ?? [1_000, 5_000, 10_000, 19_500];
const STORM_SESSIONS = numbers(process.env.BENCH_SERVER_STORM)?.[0] ?? 10_000;
/** The 30 s: one liveness sweep and 1.2 heartbeat intervals of every session. */
const HEARTBEAT_WINDOW_MS = Number(process.env.BENCH_SERVER_CPU_MS ?? 30_000);
const LOAD_PROCESSES = 2;
const KINDS = (process.env.BENCH_SERVER_KINDS ?? 'bare,tabsocket,redis')
  .split(',')
  .filter((kind): kind is ServerKind => ['bare', 'tabsocket', 'redis'].includes(kind));

export interface LevelFigure {
  sessions: number;
  /** Open and never attached: the worker took the server for plain (hello too late). */
  unattached: number;
  /** Bytes per idle session: the server's growth since it started, after a full GC. */
  rssPerSession: number;
  heapPerSession: number;
  broadcast: FanoutFigure;
  publish: FanoutFigure;
}

export interface VariantFigure {
  kind: ServerKind;
  levels: LevelFigure[];
  heartbeatCpuPercent?: number;
}

function log(message: string): void {
  console.error(`[bench:server ${process.uptime().toFixed(0).padStart(4)} s] ${message}`);
}

function numbers(text: string | undefined): number[] | undefined {
  return text ? text.split(',').map(Number) : undefined;
}

const loads: number[][] = [];
function sampleLoad(label: string): void {
  loads.push(loadavg());
  log(
    `${label}: load ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
}

async function measureVariant(kind: ServerKind, redisUrl: string): Promise<VariantFigure> {
  const nodes = kind === 'redis' ? 2 : 1;
  const start = { kind, port: 0, redisUrl, prefix: `bench:fanout:${Date.now()}:` } as const;
  const servers = [];
  for (let i = 0; i < nodes; i++) servers.push(await startServer({ ...start, upgradeRate: false }));
  const [measured] = servers;
  if (!measured) throw new Error('no server');
  const urls = servers.map((server) => `ws://127.0.0.1:${server.port}`);
  const load = new Load(LOAD_PROCESSES);
  const figure: VariantFigure = { kind, levels: [] };
  try {
    const baseline = await measured.rpc.ask<NodeJS.MemoryUsage>({ op: 'memory' });
    for (const sessions of LEVELS) {
      log(`${kind}: opening ${sessions} sessions`);
      const unattached = await load.openTo(
        sessions,
        urls,
        kind === 'bare',
        (index) => index % nodes,
      );
      await sleep(1_000);
      const memory = await measured.rpc.ask<NodeJS.MemoryUsage>({ op: 'memory' });
      const onMeasured = Math.ceil(sessions / nodes);
      const broadcast = await fanoutMedian(measured.rpc, load, 'b', sessions);
      const publish = await fanoutMedian(measured.rpc, load, 'p', Math.ceil(sessions / 2));
      figure.levels.push({
        sessions,
        unattached,
        rssPerSession: (memory.rss - baseline.rss) / onMeasured,
        heapPerSession: (memory.heapUsed - baseline.heapUsed) / onMeasured,
        broadcast,
        publish,
      });
      log(
        `${kind} ${sessions}: ${(figure.levels.at(-1)?.rssPerSession ?? 0).toFixed(0)} B rss/session, broadcast p99 ${broadcast.p99Ms.toFixed(1)} ms, last ${broadcast.lastMs.toFixed(1)} ms`,
      );
    }
    if (kind !== 'redis' && HEARTBEAT_WINDOW_MS > 0) {
      log(`${kind}: heartbeat CPU over ${HEARTBEAT_WINDOW_MS / 1000} s`);
      const cpu = await measured.rpc.ask<{ percent: number }>({
        op: 'cpu',
        ms: HEARTBEAT_WINDOW_MS,
      });
      figure.heartbeatCpuPercent = cpu.percent;
    }
    sampleLoad(kind);
  } finally {
    await load.close();
    for (const server of servers) await kill(server.rpc.child);
  }
  return figure;
}

const SCENARIOS: StormScenario[] = [
  { name: 'single node, kill -9', store: 'memory', departure: 'kill', admission: false },
  { name: 'single node, kill -9', store: 'memory', departure: 'kill', admission: true },
  { name: 'single node, restart', store: 'memory', departure: 'close', admission: false },
  { name: 'single node, restart', store: 'memory', departure: 'drain', admission: true },
  { name: 'Redis, node A kill -9', store: 'redis', departure: 'kill', admission: false },
  { name: 'Redis, node A kill -9', store: 'redis', departure: 'kill', admission: true },
  { name: 'Redis, node A restart', store: 'redis', departure: 'close', admission: false },
  { name: 'Redis, node A restart', store: 'redis', departure: 'drain', admission: true },
];

async function main(): Promise<void> {
  sampleLoad('start');
  const redis = await startRedisServer();
  const variants: VariantFigure[] = [];
  const storms: StormFigure[] = [];
  try {
    for (const kind of KINDS) {
      variants.push(await measureVariant(kind, redis.url));
    }
    const chosen = numbers(process.env.BENCH_SERVER_SCENARIOS);
    for (const [index, scenario] of SCENARIOS.entries()) {
      if (chosen && !chosen.includes(index)) continue;
      log(`storm: ${scenario.name}, admission ${scenario.admission ? 'on' : 'off'}`);
      const figure = await runStorm(
        scenario,
        STORM_SESSIONS,
        redis.url,
        `bench:storm:${Date.now()}:${index}:`,
      );
      storms.push(figure);
      log(
        `  99% back in ${figure.to99Ms?.toFixed(0)} ms, peak ${figure.peakPer100Ms}/100 ms of ${figure.handshakes}, loop p99 ${figure.loopP99Ms.toFixed(1)} ms, resumed ${figure.resumed} resynced ${figure.resynced}, lost ${figure.pushes.lost} dup ${figure.pushes.duplicates}`,
      );
      sampleLoad('storm');
    }
  } finally {
    await redis.stop();
  }
  sampleLoad('end');
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGiB: totalmem() / 2 ** 30,
      node: process.version,
      loadAverages: loads,
    },
    settings: {
      levels: LEVELS,
      stormSessions: STORM_SESSIONS,
      heartbeatWindowMs: HEARTBEAT_WINDOW_MS,
    },
    variants,
    storms,
  };
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}server-${result.date.replace(/:/g, '-').replace(/\..*/, 'Z')}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const table = writeReadme(result);
  console.log(table);
  log(`wrote ${file} and bench/README.md`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
