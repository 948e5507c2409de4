/**
 * The fault figures of one socket variant, with one tab: how long a half-open socket goes
 * unnoticed, and how long after `online` a socket is open again. Each variant gets servers
 * and a proxy of its own, so that all variants can run at once: these figures are timer
 * bound (seconds), not CPU bound, and running them side by side keeps the run short.
 */

import { setTimeout as delay } from 'node:timers/promises';
import type { Browser, Page } from '@playwright/test';
import { TcpProxy } from '../../e2e/support/tcp-proxy';
import { FAULT_HEARTBEAT, FAULT_WAIT_MS, OFFLINE_MS } from '../config';
import type { EventKind, VariantName } from '../pages/api';
import type { FaultFigures } from '../results';
import { openPlaywrightTab } from '../session';
import { BenchServer } from '../ws-server';

export async function measureFaults(
  browser: Browser,
  appUrl: string,
  variant: VariantName,
): Promise<FaultFigures> {
  const [detectionMs, offline] = await Promise.all([
    halfOpenDetection(browser, appUrl, variant),
    reconnectAfterOnline(browser, appUrl, variant),
  ]);
  return { variant, detectionMs, ...offline };
}

async function halfOpenDetection(
  browser: Browser,
  appUrl: string,
  variant: VariantName,
): Promise<number | null> {
  const server = await BenchServer.start();
  const proxy = await TcpProxy.start(server.port);
  const url = `ws://127.0.0.1:${proxy.port}/`;
  const { context, tab } = await openPlaywrightTab(browser, appUrl, variant, {
    url,
    ...FAULT_HEARTBEAT,
  });
  try {
    // The black hole falls just after a pong went out, the socket's last sign of life: the
    // figure is then close to the worst case, interval + timeout, for every variant alike.
    await bounded(server.nextPing(), 'a heartbeat ping');
    await delay(20);
    const blackholedAt = await nowIn(tab);
    proxy.blackhole();
    const deadAt = await firstEvent(tab, 'dead', blackholedAt);
    return deadAt === null ? null : deadAt - blackholedAt;
  } finally {
    await context.close();
    await proxy.close();
    await server.close();
  }
}

async function reconnectAfterOnline(
  browser: Browser,
  appUrl: string,
  variant: VariantName,
): Promise<Pick<FaultFigures, 'reconnectMs' | 'closedWhileOffline'>> {
  const server = await BenchServer.start();
  const { context, tab } = await openPlaywrightTab(browser, appUrl, variant, {
    url: server.url,
    ...FAULT_HEARTBEAT,
  });
  try {
    const offlineAt = await nowIn(tab);
    await context.setOffline(true);
    // The network is away longer than interval + timeout: every heartbeat gives up meanwhile.
    await delay(OFFLINE_MS);
    const closedWhileOffline = await tab.evaluate(
      (since) =>
        !window.bench.isOpen() ||
        window.bench.events.some((event) => event.kind === 'close' && event.at >= since),
      offlineAt,
    );
    const onlineAt = await nowIn(tab);
    await context.setOffline(false);
    const openAt = await firstEvent(tab, 'open', onlineAt);
    return { closedWhileOffline, reconnectMs: openAt === null ? null : openAt - onlineAt };
  } finally {
    await context.close();
    await server.close();
  }
}

/** The tab's clock, which stamps its events. */
function nowIn(tab: Page): Promise<number> {
  return tab.evaluate(() => performance.now());
}

/** When the tab first recorded `kind` at or after `since` (its clock), or null within the bound. */
async function firstEvent(tab: Page, kind: EventKind, since: number): Promise<number | null> {
  const find = ([kind, since]: readonly [EventKind, number]) =>
    window.bench.events.find((event) => event.kind === kind && event.at >= since)?.at ?? null;
  try {
    await tab.waitForFunction(find, [kind, since] as const, {
      timeout: FAULT_WAIT_MS,
      polling: 20,
    });
  } catch {
    return null;
  }
  return tab.evaluate(find, [kind, since] as const);
}

async function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  const timeout = delay(FAULT_WAIT_MS).then(() => {
    throw new Error(`no ${what} within ${FAULT_WAIT_MS} ms`);
  });
  return Promise.race([promise, timeout]);
}
