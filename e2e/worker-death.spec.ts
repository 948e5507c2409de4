/**
 * The SharedWorker dies (killed over CDP, as devtools' "terminate", a crash or Chrome for
 * Android under memory pressure would end it): every tab notices by the worker's Web Lock,
 * reports `worker-lost`, starts a fresh worker and is `open` again on exactly one socket;
 * with the reference server, the fresh worker resumes the session: nothing lost, nothing twice.
 */
import type { Browser, Page } from '@playwright/test';
import type { ConnectOptions, StateDetail } from 'tabsocket';
import { test as base, expect } from './support/fixtures';
import {
  burst,
  checkSends,
  describeCounts,
  type NumberedSend,
  startSending,
} from './support/sends';
import { killSharedWorker, sharedWorkers } from './support/shared-workers';
import { CLOSE_IN_FLIGHT_MS, watchSockets } from './support/socket-watch';
import { NumberedTraffic } from './support/traffic';

const test = base.extend<{ killWorker: () => Promise<number> }>({
  /** Ends the one SharedWorker with CDP `Target.closeTarget`; answers when (epoch ms). */
  killWorker: async ({ browser }, use) => {
    await use(() => killTheWorker(browser));
  },
});

const TABS = 3;
const RECONNECT = { minDelay: 100, maxDelay: 500 };
/** What every tab must meet after the kill: open again within this, on one socket. */
const BACK_WITHIN_MS = 3_000;

async function killTheWorker(browser: Browser): Promise<number> {
  const workers = await sharedWorkers(browser);
  expect(workers).toHaveLength(1);
  return killSharedWorker(browser, workers[0]?.targetId ?? '');
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

/**
 * Waits until every tab is open again after hearing of the death: right after the kill a
 * tab still says `open`, truthfully, for the few ms before its lock is granted.
 */
async function expectBackAfterDeath(tabs: Page[], killedAt: number): Promise<void> {
  const within = BACK_WITHIN_MS - (Date.now() - killedAt);
  for (const tab of tabs) {
    await expect
      .poll(
        async () => {
          const after = (await statesOf(tab)).filter((event) => event.at >= killedAt - 5);
          const lost = after.findIndex((event) => event.detail.reason === 'worker-lost');
          return lost >= 0 && after.at(-1)?.state === 'open';
        },
        { timeout: Math.max(within, 1) },
      )
      .toBe(true);
  }
}

function range(values: number[]): string {
  const sorted = values.map(Math.round).sort((a, b) => a - b);
  return `${sorted[0]}–${sorted.at(-1)} ms`;
}

test('worker killed, plain server: every tab notices within 1 s, is open again within 3 s on 1 socket; sends settle once', async ({
  browser,
  context,
  openTabs,
  server,
  killWorker,
}) => {
  const tabs = await openTabs(context, TABS, { url: server.url, reconnect: RECONNECT });
  expect(server.opened).toBe(1);
  const received = () => server.received.map((text) => JSON.parse(text) as NumberedSend);
  await Promise.all(tabs.map((tab, index) => startSending(tab, index, 20)));
  await expect.poll(() => server.received.length).toBeGreaterThan(TABS * 5);

  await burst(tabs[0] as Page, 300);
  const killedAt = await killWorker();
  await expectBackAfterDeath(tabs, killedAt);
  const backAfter = Date.now() - killedAt;
  // CDP may list the fresh worker a moment after its tabs heard from it.
  await expect.poll(async () => (await sharedWorkers(browser)).length).toBe(1);
  expect(server.opened).toBe(2);
  await expect.poll(() => server.open).toBe(1);

  const { noticed, reopened } = await deathTimings(tabs, killedAt);
  for (const ms of noticed) expect(ms).toBeLessThan(1_000);
  for (const ms of reopened) expect(ms).toBeLessThan(BACK_WITHIN_MS);

  const before = server.received.length;
  await expect.poll(() => server.received.length).toBeGreaterThan(before + TABS * 5);
  const counts = await checkSends(new Map(tabs.entries()), received);
  // The tabs post what the dead worker had not handed to the socket to the fresh one.
  expect(Object.keys(counts)).toEqual(['ok']);

  server.push({ after: true });
  for (const tab of tabs) {
    await expect
      .poll(() => tab.evaluate(() => window.harness.messages.at(-1)))
      .toEqual({ after: true });
    // A plain server cannot replay what was pushed meanwhile: the tabs are told.
    expect(await tab.evaluate(() => window.harness.resyncs)).toBe(1);
  }
  console.log(
    `[figure] worker killed (CDP), ${TABS} tabs, plain server: worker-lost noticed ${range(noticed)} after the kill, ` +
      `open again ${range(reopened)} (all open seen by the test at ${backAfter} ms); server sockets 1 → 1 (2 opened in all); ` +
      `sends every 20 ms per tab and 300 at once just before the kill: ${describeCounts(counts)}`,
  );
});

test('worker killed, reference server pushing: open again on 1 socket within 3 s, the session resumed: every push once, every send once', async ({
  browser,
  context,
  openTabs,
  referenceServer,
  killWorker,
}) => {
  const sockets = watchSockets(referenceServer.server);
  const options: ConnectOptions = { url: referenceServer.urlFor('alice'), reconnect: RECONNECT };
  const tabs = await openTabs(context, TABS, options);
  expect(sockets.openedAt).toHaveLength(1);

  const traffic = await NumberedTraffic.start(referenceServer.server, 'alice', tabs, {
    sendEvery: 20,
  });
  let killedAt = 0;
  let backAfter = 0;
  let counts: Record<string, number>;
  try {
    await expect.poll(() => traffic.received.length).toBeGreaterThan(TABS * 5);
    await burst(tabs[0] as Page, 300);
    killedAt = await killWorker();
    await expectBackAfterDeath(tabs, killedAt);
    backAfter = Date.now() - killedAt;
    // CDP may list the fresh worker a moment after its tabs heard from it.
    await expect.poll(async () => (await sharedWorkers(browser)).length).toBe(1);
    await expect.poll(() => sockets.open).toBe(1);
    await traffic.pushMore(25);
    counts = await traffic.stopAndCheck(tabs);
    // Each send the dead worker held goes again to the fresh one, under its message id.
    expect(Object.keys(counts)).toEqual(['ok']);
  } finally {
    traffic.stop();
  }
  const { noticed, reopened } = await deathTimings(tabs, killedAt);
  for (const ms of noticed) expect(ms).toBeLessThan(1_000);
  expect(sockets.openedAt).toHaveLength(2);
  expect(sockets.longestOverlap).toBeLessThan(CLOSE_IN_FLIGHT_MS);
  console.log(
    `[figure] worker killed (CDP), ${TABS} tabs, reference server pushing 50/s: worker-lost noticed ${range(noticed)}, ` +
      `open again ${range(reopened)} (seen by the test at ${backAfter} ms); 1 server socket (2 opened in all, most ` +
      `open at once ${sockets.mostOpen}, for ${sockets.longestOverlap} ms); ${traffic.pushed} pushes × ${TABS} tabs, 0 lost, 0 duplicate, 0 resync; ` +
      `sends every 20 ms per tab and 300 at once just before the kill: ${describeCounts(counts)}`,
  );
});
