/**
 * The SharedWorker dies (killed over CDP, as devtools' "terminate", a crash or Chrome for
 * Android under memory pressure would end it): every tab notices by the worker's Web Lock,
 * reports `worker-lost`, starts a fresh worker and is `open` again on exactly one socket.
 */
import type { Browser, Page } from '@playwright/test';
import type { ConnectOptions, StateDetail } from 'tabsocket';
import { test as base, expect, expectAll } from './support/fixtures';

const test = base.extend<{ killWorker: () => Promise<number> }>({
  /** Ends the one SharedWorker with CDP `Target.closeTarget`; answers when (epoch ms). */
  killWorker: async ({ browser }, use) => {
    await use(() => killSharedWorker(browser));
  },
});

const TABS = 3;
const RECONNECT = { minDelay: 100, maxDelay: 500 };
/** What every tab must meet after the kill: open again within this, on one socket. */
const BACK_WITHIN_MS = 3_000;

async function killSharedWorker(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const workers = targetInfos.filter((target) => target.type === 'shared_worker');
    expect(workers).toHaveLength(1);
    const killedAt = Date.now();
    await cdp.send('Target.closeTarget', { targetId: workers[0]?.targetId ?? '' });
    return killedAt;
  } finally {
    await cdp.detach();
  }
}

async function sharedWorkerCount(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    return targetInfos.filter((target) => target.type === 'shared_worker').length;
  } finally {
    await cdp.detach();
  }
}

interface StateEvent {
  state: string;
  detail: StateDetail;
  /** Epoch ms. */
  at: number;
}

/** The tab's state events, with epoch times, so they compare with the test's clock. */
function statesOf(page: Page): Promise<StateEvent[]> {
  return page.evaluate(() =>
    window.harness.states.map((entry) => ({
      state: entry.state,
      detail: entry.detail,
      at: performance.timeOrigin + entry.at,
    })),
  );
}

type Sending = Window & {
  /** Stops; answers how many sends were made. */
  stopSending?: () => number;
  /** Sends `count` more at once, so that some are in flight when the worker dies. */
  burst?: (count: number) => void;
  outcomes?: Array<{ n: number; outcome: string }>;
};

/** Sends `{ tab, n }` every `every` ms and records how each send settled. */
function startSending(page: Page, tab: number, every: number): Promise<void> {
  return page.evaluate(
    ([tab, every]) => {
      const sending = window as Sending;
      sending.outcomes = [];
      let n = 0;
      const sendOne = () => {
        const message = { tab, n: n++ };
        window.harness.send(message).then(
          () => sending.outcomes?.push({ n: message.n, outcome: 'ok' }),
          (error: { code?: string }) =>
            sending.outcomes?.push({ n: message.n, outcome: error.code ?? 'untyped' }),
        );
      };
      const timer = setInterval(sendOne, every);
      sending.burst = (count) => {
        for (let i = 0; i < count; i++) sendOne();
      };
      sending.stopSending = () => {
        clearInterval(timer);
        return n;
      };
    },
    [tab, every] as const,
  );
}

/**
 * Every send settled once: resolved ones reached the server once; rejected ones carry a
 * code and reached it at most once. Answers the outcomes' counts.
 */
async function checkSends(
  tabs: Page[],
  received: () => Array<{ tab: number; n: number }>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [tab, page] of tabs.entries()) {
    const sent = await page.evaluate(() => (window as Sending).stopSending?.() ?? 0);
    // No send hangs: each settles, one way or the other.
    await expect
      .poll(() => page.evaluate(() => (window as Sending).outcomes?.length ?? 0))
      .toBe(sent);
    const outcomes = await page.evaluate(() => (window as Sending).outcomes ?? []);
    expect(outcomes).toHaveLength(sent);
    const ns = outcomes.map(({ n }) => n);
    expect(new Set(ns).size).toBe(ns.length);
    for (const { n, outcome } of outcomes) {
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      const times = () =>
        received().filter((message) => message.tab === tab && message.n === n).length;
      // Written is not yet read: a plain server may still be reading the last ones.
      if (outcome === 'ok') await expect.poll(times, { message: `tab ${tab} send ${n}` }).toBe(1);
      else {
        expect(outcome).toBe('TS_ERR_WORKER');
        expect(times(), `tab ${tab} send ${n}`).toBeLessThanOrEqual(1);
      }
    }
  }
  return counts;
}

/**
 * What each tab saw of the death: it reported `worker-lost` (never `open` between the kill
 * and that report, nor between the report and the fresh worker's open), and when.
 */
async function deathTimings(tabs: Page[], killedAt: number) {
  const noticed: number[] = [];
  const reopened: number[] = [];
  for (const tab of tabs) {
    const after = (await statesOf(tab)).filter((event) => event.at >= killedAt - 5);
    const lost = after.findIndex((event) => event.detail.reason === 'worker-lost');
    expect(lost, JSON.stringify(after)).toBeGreaterThanOrEqual(0);
    expect(after.slice(0, lost).filter((event) => event.state === 'open')).toEqual([]);
    expect(after[lost]?.state).toBe('connecting');
    const open = after.findIndex((event, i) => i > lost && event.state === 'open');
    expect(open).toBeGreaterThan(lost);
    expect(after.slice(lost + 1, open).map((event) => event.state)).not.toContain('open');
    // The death is told by the state alone: no `error` event (the worker did not fail to start).
    expect(await tab.evaluate(() => window.harness.errors)).toEqual([]);
    noticed.push((after[lost]?.at ?? 0) - killedAt);
    reopened.push((after[open]?.at ?? 0) - killedAt);
  }
  return { noticed, reopened };
}

function range(values: number[]): string {
  const sorted = values.map(Math.round).sort((a, b) => a - b);
  return `${sorted[0]}–${sorted.at(-1)} ms`;
}

test('worker killed, plain server: every tab notices within 1 s, is open again within 3 s on 1 socket; sends settle once', async ({
  browser,
  context,
  openTab,
  server,
  killWorker,
}) => {
  const options: ConnectOptions = { url: server.url, reconnect: RECONNECT };
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) tabs.push(await openTab(context, options));
  await expectAll(tabs, 'open');
  expect(server.opened).toBe(1);
  const received = () =>
    server.received.map((text) => JSON.parse(text) as { tab: number; n: number });
  await Promise.all(tabs.map((tab, index) => startSending(tab, index, 20)));
  await expect.poll(() => server.received.length).toBeGreaterThan(TABS * 5);

  await tabs[0]?.evaluate(() => (window as Sending).burst?.(300));
  const killedAt = await killWorker();
  await expectAll(tabs, 'open', BACK_WITHIN_MS - (Date.now() - killedAt));
  const backAfter = Date.now() - killedAt;
  expect(await sharedWorkerCount(browser)).toBe(1);
  expect(server.opened).toBe(2);
  await expect.poll(() => server.open).toBe(1);

  const { noticed, reopened } = await deathTimings(tabs, killedAt);
  for (const ms of noticed) expect(ms).toBeLessThan(1_000);
  for (const ms of reopened) expect(ms).toBeLessThan(BACK_WITHIN_MS);

  const before = server.received.length;
  await expect.poll(() => server.received.length).toBeGreaterThan(before + TABS * 5);
  const counts = await checkSends(tabs, received);

  server.push({ after: true });
  for (const tab of tabs) {
    await expect
      .poll(() => tab.evaluate(() => window.harness.messages.at(-1)))
      .toEqual({ after: true });
    expect(await tab.evaluate(() => window.harness.resyncs)).toBe(1);
  }
  console.log(
    `[figure] worker killed (CDP), ${TABS} tabs, plain server: worker-lost noticed ${range(noticed)} after the kill, ` +
      `open again ${range(reopened)} (all open seen by the test at ${backAfter} ms); server sockets 1 → 1 (2 opened in all); ` +
      `sends every 20 ms per tab and 300 at once just before the kill: ${Object.entries(counts)
        .map(([outcome, count]) => `${count} ${outcome}`)
        .join(', ')}`,
  );
});

test('worker killed, reference server pushing: open again on 1 socket, pushes flow again once each, a resync tells of the gap', async ({
  browser,
  context,
  openTab,
  referenceServer,
  killWorker,
}) => {
  const { server } = referenceServer;
  const received: Array<{ tab: number; n: number }> = [];
  server.on('message', (_client, data) => received.push(data as { tab: number; n: number }));
  const options: ConnectOptions = { url: referenceServer.urlFor('alice'), reconnect: RECONNECT };
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) tabs.push(await openTab(context, options));
  await expectAll(tabs, 'open');
  expect(server.wss.clients.size).toBe(1);

  let pushed = 0;
  const stream = setInterval(() => server.push('alice', { n: pushed++ }), 20);
  try {
    await Promise.all(tabs.map((tab, index) => startSending(tab, index, 20)));
    await expect.poll(() => received.length).toBeGreaterThan(TABS * 5);

    await tabs[0]?.evaluate(() => (window as Sending).burst?.(300));
    const killedAt = await killWorker();
    const pushedAtKill = pushed;
    await expectAll(tabs, 'open', BACK_WITHIN_MS - (Date.now() - killedAt));
    const backAfter = Date.now() - killedAt;
    const pushedAtOpen = pushed;
    expect(await sharedWorkerCount(browser)).toBe(1);
    await expect.poll(() => server.wss.clients.size).toBe(1);

    const { noticed, reopened } = await deathTimings(tabs, killedAt);
    for (const ms of noticed) expect(ms).toBeLessThan(1_000);

    const target = pushed + 20;
    for (const tab of tabs) {
      await expect
        .poll(async () => ((await tab.evaluate(() => window.harness.messages)) as unknown[]).length)
        .toBeGreaterThan(0);
      await expect
        .poll(async () => {
          const numbers = (await tab.evaluate(() => window.harness.messages)) as Array<{
            n: number;
          }>;
          return numbers.at(-1)?.n ?? -1;
        })
        .toBeGreaterThanOrEqual(target);
    }
    clearInterval(stream);
    const lost: number[] = [];
    for (const tab of tabs) {
      const numbers = (
        (await tab.evaluate(() => window.harness.messages)) as Array<{ n: number }>
      ).map((message) => message.n);
      // Once each, in order; the pushes after the fresh worker opened all arrived.
      expect(numbers).toEqual([...new Set(numbers)].sort((a, b) => a - b));
      const last = numbers.at(-1) ?? 0;
      const missing = Array.from({ length: last + 1 }, (_, n) => n).filter(
        (n) => !numbers.includes(n),
      );
      expect(missing.every((n) => n >= pushedAtKill - 10 && n < pushedAtOpen + 10)).toBe(true);
      lost.push(missing.length);
      expect(await tab.evaluate(() => window.harness.resyncs)).toBe(1);
    }
    const counts = await checkSends(tabs, () => received);
    console.log(
      `[figure] worker killed (CDP), ${TABS} tabs, reference server pushing 50/s: worker-lost noticed ${range(noticed)}, ` +
        `open again ${range(reopened)} (seen by the test at ${backAfter} ms); 1 server socket; ` +
        `pushes lost in the gap per tab ${lost.join(', ')} (a fresh session: resync 1 per tab), 0 duplicate; ` +
        `sends every 20 ms per tab and 300 at once just before the kill: ${Object.entries(counts)
          .map(([outcome, count]) => `${count} ${outcome}`)
          .join(', ')}`,
    );
  } finally {
    clearInterval(stream);
  }
});
