/**
 * `npm run bench:transports`: the round trip and the throughput of the HTTP stream beside
 * the WebSocket's (docs/transports.md), one tab of the tabsocket page against the reference
 * server, each transport forced with the `transports` option; prints the figures and the
 * ratios (stream / socket) as Markdown on stdout.
 */
import type { Browser } from '@playwright/test';
import { createTabSocketServer, type TabSocketClient } from '../server/index';
import { startAppServer } from './app-server';
import { findChromium, launchChromium } from './browser';
import { buildPages, pagesDir } from './build-pages';
import { STEADY_HEARTBEAT, THROUGHPUT } from './config';
import { measuringTab, openSession } from './session';
import { type Summary, summarize } from './stats';

const RTT = { samples: 300, warmup: 20, waitMs: 5_000 };
/**
 * Paced round trips start this far apart: below the stream's 50 POSTs a second, as an app's
 * requests mostly are; back to back, the stream holds a loop to 50 a second.
 */
const PACE_MS = 25;
const TRANSPORTS = [['websocket'], ['sse']] as const;

const log = (message: string) =>
  console.error(`[bench ${process.uptime().toFixed(1).padStart(5)} s] ${message}`);

interface TransportFigures {
  transport: string;
  /** Back to back. */
  rtt: Summary;
  paced: Summary;
  throughput: { frames: number; ms: number | null; perSecond: number | null };
}

async function measure(
  browser: Browser,
  appUrl: string,
  transport: 'websocket' | 'sse',
): Promise<TransportFigures> {
  const server = createTabSocketServer({ port: 0, host: '127.0.0.1', liveness: false });
  await server.listening();
  const clients = new Set<TabSocketClient>();
  server.on('connection', (client) => clients.add(client));
  server.on('disconnection', (client) => clients.delete(client));
  // A round trip is a send answered by a push to the same socket, as the bench server does.
  server.on('message', (client, data) => {
    if (typeof (data as { rtt?: unknown } | null)?.rtt === 'number') client.send(data as object);
  });
  const { port } = server.address() as { port: number };
  const session = await openSession(browser, appUrl, 'tabsocket', 1, {
    url: `ws://127.0.0.1:${port}/`,
    ...STEADY_HEARTBEAT,
    transports: [transport],
  });
  try {
    if (transport === 'sse' && server.stats().httpStreams !== 1) {
      throw new Error('the stream did not open');
    }
    const tab = measuringTab(session);
    const samples = await tab.evaluate(
      ({ samples, warmup, waitMs }) => window.bench.rtt(samples, warmup, waitMs),
      RTT,
    );
    const paced: number[] = [];
    for (let sample = 0; sample < RTT.samples; sample++) {
      await new Promise((resolve) => setTimeout(resolve, PACE_MS));
      paced.push(...(await tab.evaluate((waitMs) => window.bench.rtt(1, 0, waitMs), RTT.waitMs)));
    }
    const { frames, waitMs, idleMs } = THROUGHPUT;
    await tab.evaluate((m) => window.bench.arm(m), frames);
    const start = Date.now();
    for (const client of clients) {
      for (let seq = 0; seq < frames; seq++) client.send({ seq, v: 'tick' });
    }
    const arrival = await tab.evaluate(([wait, idle]) => window.bench.arrival(wait, idle), [
      waitMs,
      idleMs,
    ] as const);
    const ms = arrival.at === null ? null : arrival.at - start;
    return {
      transport,
      rtt: summarize(samples),
      paced: summarize(paced),
      throughput: { frames, ms, perSecond: ms === null ? null : (frames * 1000) / ms },
    };
  } finally {
    await session.context.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  const chromiumPath = findChromium();
  log('building the pages from the packed package');
  await buildPages();
  const app = await startAppServer(pagesDir);
  const browser = await launchChromium(chromiumPath);
  const results: TransportFigures[] = [];
  try {
    for (const [transport] of TRANSPORTS) {
      log(`${transport}: ${RTT.samples} round trips, then ${THROUGHPUT.frames} pushes`);
      results.push(await measure(browser, app.url, transport));
    }
  } finally {
    await browser.close();
    await app.close();
  }
  const [socket, stream] = results;
  if (!socket || !stream) return;
  const ratio = (a: number | null, b: number | null) =>
    a === null || b === null ? 'n/a' : `${(a / b).toFixed(2)}×`;
  const ms = (summary: Summary) =>
    `${summary.p50.toFixed(2)} | ${summary.p90.toFixed(2)} | ${summary.p99.toFixed(2)}`;
  const row = ({ transport, rtt, paced, throughput }: TransportFigures) =>
    `| ${transport} | ${ms(paced)} | ${ms(rtt)} | ${throughput.perSecond?.toFixed(0) ?? 'n/a'} |`;
  const ratios = (of: (figures: TransportFigures) => Summary) =>
    (['p50', 'p90', 'p99'] as const).map((p) => ratio(of(stream)[p], of(socket)[p])).join(' | ');
  console.log(`One tab, reference server on loopback: ${RTT.samples} round trips (send → push) one every ${PACE_MS} ms, then ${RTT.samples} back to back; ${THROUGHPUT.frames} pushes. Round trips in ms (p50 | p90 | p99).

| transport | paced p50 | p90 | p99 | back to back p50 | p90 | p99 | pushes/s |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${row(socket)}
${row(stream)}
| stream / socket | ${ratios((f) => f.paced)} | ${ratios((f) => f.rtt)} | ${ratio(stream.throughput.perSecond, socket.throughput.perSecond)} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
