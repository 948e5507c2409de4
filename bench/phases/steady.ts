/**
 * The per-N figures of one variant: sockets, heartbeat frames, round trips, throughput and
 * heap, all in one session of N tabs so they describe the same setup.
 */

import { setTimeout as delay } from 'node:timers/promises';
import type { Browser } from '@playwright/test';
import { heapAfterGc, hubHeaps } from '../cdp/heap';
import { HEARTBEAT_WINDOW_MS, RTT, STEADY_HEARTBEAT, THROUGHPUT } from '../config';
import type { VariantName } from '../pages/api';
import type { HeartbeatFigures, Roles, SteadyFigures, ThroughputFigures } from '../results';
import { firstTab, measuringTab, openSession, type Session } from '../session';
import { summarize } from '../stats';
import type { BenchServer } from '../ws-server';

export interface SteadyRig {
  browser: Browser;
  appUrl: string;
  server: BenchServer;
}

export async function measureSteady(
  rig: SteadyRig,
  variant: VariantName,
  tabCount: number,
): Promise<SteadyFigures> {
  const { browser, appUrl, server } = rig;
  const openedBefore = server.opened;
  const startedAt = performance.now();
  const session = await openSession(browser, appUrl, variant, tabCount, {
    url: server.url,
    ...STEADY_HEARTBEAT,
  });
  const phaseMs: Record<string, number> = { open: performance.now() - startedAt };
  const timed = async <T>(phase: string, run: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await run();
    phaseMs[phase] = performance.now() - start;
    return result;
  };
  try {
    const sockets = server.open;
    const roles = await readRoles(session);
    const heartbeat = await timed('heartbeat', () => countHeartbeats(server));
    const samples = await timed('rtt', () =>
      measuringTab(session).evaluate(
        ({ samples, warmup, waitMs }) => window.bench.rtt(samples, warmup, waitMs),
        RTT,
      ),
    );
    const throughput = await timed('throughput', () => measureThroughput(session, server));
    const heap = await timed('heap', async () => {
      const workers = await hubHeaps(session.context, session.tabs);
      return {
        tab: await heapAfterGc(firstTab(session).session),
        worker: workers.length > 0 ? workers.reduce((sum, bytes) => sum + bytes, 0) : null,
        workers,
      };
    });
    return {
      variant,
      tabs: tabCount,
      sockets,
      socketsOpened: server.opened - openedBefore,
      roles,
      heartbeat,
      rtt: summarize(samples),
      throughput,
      heap,
      phaseMs,
    };
  } finally {
    await session.context.close();
    if (!(await server.drained(5000))) console.error(`[${variant}] sockets still open at the end`);
  }
}

/** What each tab's hub does for the connection, once every tab is open (tabsocket pages). */
async function readRoles(session: Session): Promise<Roles | null> {
  const roles = await Promise.all(
    session.tabs.map((tab) => tab.evaluate(() => window.bench.role?.() ?? null)),
  );
  const measuring = roles[session.tabs.indexOf(measuringTab(session))] ?? null;
  if (measuring === null) return null;
  const count = (role: string) => roles.filter((r) => r === role).length;
  return { owner: count('owner'), relay: count('relay'), measuring };
}

/**
 * Heartbeat frames per minute, from an idle window scaled to a minute. Each socket's rate
 * comes from its first to its last ping in the window, which does not depend on where the
 * window falls between two pings, as a plain count would (±1 ping in about 2.5 is ±40 %).
 */
async function countHeartbeats(server: BenchServer): Promise<HeartbeatFigures> {
  // The window opens once every socket's heartbeat runs: tabsocket's starts only when the
  // worker knows the server is plain (up to 300 ms after open), not with the socket.
  server.resetHeartbeats();
  const deadline = performance.now() + HEARTBEAT_WINDOW_MS;
  while (server.pingTimes().some((times) => times.length === 0) && performance.now() < deadline) {
    const giveUp = new AbortController();
    const timeLeft = delay(deadline - performance.now(), undefined, { signal: giveUp.signal });
    await Promise.race([server.nextPing(), timeLeft.catch(() => {})]);
    giveUp.abort();
  }
  server.resetHeartbeats();
  await delay(HEARTBEAT_WINDOW_MS);
  let pingsPerMs = 0;
  let pings = 0;
  for (const times of server.pingTimes()) {
    pings += times.length;
    const first = times[0];
    const last = times.at(-1);
    if (times.length >= 2 && first !== undefined && last !== undefined && last > first) {
      pingsPerMs += (times.length - 1) / (last - first);
    } else {
      pingsPerMs += times.length / HEARTBEAT_WINDOW_MS;
    }
  }
  // Every ping is answered by a pong: two frames on the wire.
  return { perMinute: pingsPerMs * 60_000 * 2, pings, windowMs: HEARTBEAT_WINDOW_MS };
}

async function measureThroughput(
  session: Session,
  server: BenchServer,
): Promise<ThroughputFigures> {
  const { frames, waitMs, idleMs } = THROUGHPUT;
  await Promise.all(session.tabs.map((tab) => tab.evaluate((m) => window.bench.arm(m), frames)));
  let start: number;
  let serverWriteMs: Promise<number | null>;
  if (session.variant === 'raw-hop') {
    start = await firstTab(session).evaluate((m) => window.bench.blast?.(m) ?? NaN, frames);
    serverWriteMs = Promise.resolve(null);
  } else {
    start = Date.now();
    serverWriteMs = server.blast(frames).then(() => Date.now() - start);
  }
  const arrivals = await Promise.all(
    session.tabs.map((tab) =>
      tab.evaluate(([wait, idle]) => window.bench.arrival(wait, idle), [waitMs, idleMs] as const),
    ),
  );
  const times = arrivals.map((arrival) => (arrival.at === null ? null : arrival.at - start));
  const complete = times.filter((ms): ms is number => ms !== null);
  const ms = complete.length === times.length ? Math.max(...complete) : null;
  return {
    frames,
    ms,
    perSecond: ms === null ? null : (frames * 1000) / ms,
    completeTabs: complete.length,
    serverWriteMs: await serverWriteMs,
  };
}
