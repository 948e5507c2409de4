/**
 * A deploy: tabs opened before it run the old worker script, tabs opened after it another
 * URL, so two SharedWorkers run side by side (here the package's default worker, and the
 * same hub served from the app's own script, `?build=b`). One of them owns the one server
 * socket, the other relays through it; the app hears of both builds.
 */
import type { BrowserContext, Page } from '@playwright/test';
import type { ConnectOptions } from 'tabsocket';
import {
  expect,
  expectAll,
  type OpenTabs,
  type ReferenceServer,
  roleOf,
  statesOf,
  test,
} from './support/fixtures';
import { describeCounts } from './support/sends';
import { killSharedWorker, sharedWorkers } from './support/shared-workers';
import { CLOSE_IN_FLIGHT_MS, watchSockets } from './support/socket-watch';
import { NumberedTraffic } from './support/traffic';

type Build = 'a' | 'b';

interface Tabs {
  a: Page[];
  b: Page[];
}

function optionsFor(reference: ReferenceServer): ConnectOptions {
  return {
    url: reference.urlFor('alice'),
    reconnect: { minDelay: 100, maxDelay: 500 },
    // The closed tabs' hub must not keep the connection for them long.
    gracePeriod: 500,
  };
}

const SEARCH: Record<Build, string> = { a: '', b: '?build=b' };

/** Two tabs of build `first`, then two of the other, all open. */
async function openBothBuilds(
  context: BrowserContext,
  openTabs: OpenTabs,
  options: ConnectOptions,
  first: Build = 'a',
): Promise<Tabs> {
  const tabs: Tabs = { a: [], b: [] };
  for (const build of first === 'a' ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
    tabs[build] = await openTabs(context, 2, options, SEARCH[build]);
  }
  return tabs;
}

/** The build whose hub owns the socket: its tabs all say `owner`, the other's all `relay`. */
async function ownerBuild(tabs: Tabs): Promise<Build> {
  const rolesOf = async (build: Build) => [...new Set(await Promise.all(tabs[build].map(roleOf)))];
  await expect
    .poll(async () => [...(await rolesOf('a')), ...(await rolesOf('b'))].sort())
    .toEqual(['owner', 'relay']);
  return (await rolesOf('a'))[0] === 'owner' ? 'a' : 'b';
}

function lastBuilds(page: Page): Promise<string[] | undefined> {
  return page.evaluate(() => {
    const builds = window.harness.builds.at(-1);
    return builds && [...builds].sort();
  });
}

test('two builds, 2 tabs each: one socket, each push once in all 4 tabs, every send once, one owner, both builds told', async ({
  browser,
  context,
  openTabs,
  referenceServer,
}) => {
  const sockets = watchSockets(referenceServer.server);
  const tabs = await openBothBuilds(context, openTabs, optionsFor(referenceServer));
  const all = [...tabs.a, ...tabs.b];

  // The browser really runs two SharedWorkers, one per script URL.
  const scripts = (await sharedWorkers(browser)).map((worker) => worker.url).sort();
  expect(scripts).toHaveLength(2);
  expect(sockets.openedAt).toHaveLength(1);
  const owner = await ownerBuild(tabs);

  const { pushed, sent } = await NumberedTraffic.exchange(
    referenceServer.server,
    'alice',
    all,
    100,
  );
  expect(sockets.openedAt).toHaveLength(1);

  // Every tab, of either build, knows both run (here, after the traffic: core first).
  for (const tab of all) await expect.poll(() => lastBuilds(tab)).toEqual(scripts);

  // Logout from the relaying build: the socket closes for every tab of both builds.
  const relay: Build = owner === 'a' ? 'b' : 'a';
  await tabs[relay][0]?.evaluate(() => window.harness.close());
  await expectAll(all, 'closed');
  await expect.poll(() => sockets.open).toBe(0);
  expect(sockets.openedAt).toHaveLength(1);
  console.log(
    `[figure] two builds × 2 tabs, reference server pushing 50/s: 1 server socket (most open at once ${sockets.mostOpen}), ` +
      `owner build ${owner}; ${pushed} pushes × 4 tabs, 0 lost, 0 duplicate; ${sent} sends, each acked and received once; ` +
      `builds event: ${scripts.length} scripts; logout from the relay build: 0 sockets, 4 tabs closed`,
  );
});

// Build a first: its worker outlives its tabs, its hub hands over when their grace period
// ends. Build b first: its worker ends with its tabs, and the hub with them.
for (const first of ['a', 'b'] as const) {
  test(`build ${first} opened first, the owning build’s tabs close: the other build’s hub takes the socket over, one socket, no gap`, async ({
    browser,
    context,
    openTabs,
    referenceServer,
  }) => {
    const sockets = watchSockets(referenceServer.server);
    const tabs = await openBothBuilds(context, openTabs, optionsFor(referenceServer), first);
    const owner = await ownerBuild(tabs);
    const remaining = owner === 'a' ? tabs.b : tabs.a;
    const isOwnerScript = (url: string) => url.includes('build-b') === (owner === 'b');

    const traffic = await NumberedTraffic.start(referenceServer.server, 'alice', remaining);
    let closedAt = 0;
    let counts: Record<string, number>;
    try {
      await traffic.pushMore(25);
      closedAt = Date.now();
      for (const tab of tabs[owner]) await tab.close();
      // Past the grace period: the closed tabs' hub has no tab of its own left.
      await traffic.pushMore(50);
      // The package's worker outlives its last tab (extendedLifetime); end it as the browser
      // would at the end of that lifetime. Build b's worker ended with its tabs.
      for (const worker of await sharedWorkers(browser)) {
        if (isOwnerScript(worker.url)) await killSharedWorker(browser, worker.targetId);
      }
      for (const tab of remaining) await expect.poll(() => roleOf(tab)).toBe('owner');
      await expectAll(remaining, 'open');
      await traffic.pushMore(25);
      counts = await traffic.stopAndCheck(remaining);
    } finally {
      traffic.stop();
    }
    expect(Object.keys(counts)).toEqual(['ok']);
    for (const tab of remaining) {
      const handovers = (await statesOf(tab)).filter((entry) => entry.detail.reason === 'handover');
      expect(handovers.length, 'a state change told of the handover').toBeGreaterThan(0);
    }
    expect(sockets.longestOverlap).toBeLessThan(CLOSE_IN_FLIGHT_MS);
    await expect.poll(() => sockets.open).toBe(1);
    const handedOverAfter = (sockets.openedAt.at(-1) ?? 0) - closedAt;

    // Only one build runs now, and its tabs know.
    for (const tab of remaining) {
      await expect.poll(() => tab.evaluate(() => window.harness.builds.at(-1)?.length)).toBe(1);
    }
    await remaining[0]?.evaluate(() => window.harness.close());
    await expectAll(remaining, 'closed');
    await expect.poll(() => sockets.open).toBe(0);
    console.log(
      `[figure] two builds, owner build ${owner}'s tabs closed (its worker ended): the other build's hub owns; ` +
        `server sockets opened ${sockets.openedAt.length}, most open at once ${sockets.mostOpen} (for ${sockets.longestOverlap} ms), last opened ` +
        `${handedOverAfter} ms after the close; ${traffic.pushed} pushes × 2 remaining tabs, 0 lost, 0 duplicate, ` +
        `0 resync; sends ${describeCounts(counts)}; logout: 0 sockets`,
    );
  });
}

test('logout from the owning build: 0 sockets anywhere, every tab of both builds closed', async ({
  context,
  openTabs,
  referenceServer,
}) => {
  const sockets = watchSockets(referenceServer.server);
  const tabs = await openBothBuilds(context, openTabs, optionsFor(referenceServer));
  const owner = await ownerBuild(tabs);
  await tabs[owner][1]?.evaluate(() => window.harness.close());
  await expectAll([...tabs.a, ...tabs.b], 'closed');
  await expect.poll(() => sockets.open).toBe(0);
  expect(sockets.openedAt).toHaveLength(1);
});
