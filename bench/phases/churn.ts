/**
 * tabsocket's worker across 5,000 reconnect cycles: each socket opens and the server closes
 * it at once; the worker retries without delay. Its heap is read after GC halfway and at
 * the end, both mid-churn so they compare like with like: growth per cycle is a leak.
 */

import { setTimeout as delay } from 'node:timers/promises';
import type { Browser } from '@playwright/test';
import { workerHeap } from '../cdp/heap';
import { RawContext } from '../cdp/raw-context';
import { ChurnServers } from '../churn-servers';
import { CHURN, OPEN_WAIT_MS } from '../config';
import type { ChurnFigures } from '../results';

export async function measureChurn(browser: Browser, appUrl: string): Promise<ChurnFigures> {
  const servers = await ChurnServers.start(CHURN.ports);
  const context = await RawContext.create(browser);
  try {
    const tab = await context.newTab(`${appUrl}tabsocket.html`, 'window.bench', OPEN_WAIT_MS);
    const startedAt = performance.now();
    const deadline = startedAt + CHURN.waitMs;
    await tab.evaluate((urls) => window.bench.churn?.(urls), servers.urls);
    const until = async (cycles: number) => {
      while (servers.cycles < cycles && performance.now() < deadline) await delay(10);
      return servers.cycles;
    };
    const baselineCycles = await until(CHURN.baselineAt);
    const heapAtBaseline = await workerHeap(context);
    const cycles = await until(CHURN.cycles);
    const ms = performance.now() - startedAt;
    const heapAtEnd = await workerHeap(context);
    await tab.evaluate(() => window.bench.stopChurn?.());
    const bytesPerCycle =
      heapAtBaseline === null || heapAtEnd === null || cycles <= baselineCycles
        ? null
        : (heapAtEnd - heapAtBaseline) / (cycles - baselineCycles);
    return {
      connections: CHURN.ports,
      cycles,
      ms,
      baselineCycles,
      heapAtBaseline,
      heapAtEnd,
      bytesPerCycle,
    };
  } finally {
    await context.close();
    await servers.close();
  }
}
