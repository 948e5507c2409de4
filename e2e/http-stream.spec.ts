/**
 * Where WebSocket is blocked: the worker's HTTP stream (docs/transports.md), in Chromium,
 * against the reference server. Pushes flow all along and every tab sends; nothing may be
 * lost or come twice, whichever transport carries it and across the switches.
 */
import type { Page } from '@playwright/test';
import type { ConnectionSnapshot } from '../protocol/tab-hub';
import { test as base, expect, expectAll } from './support/fixtures';
import { type Nginx, startNginx } from './support/nginx';
import { expectEveryPushOnce, NumberedStream } from './support/pushes';
import { checkSends, duplicateSends, type NumberedSend, startSending } from './support/sends';
import { TcpProxy } from './support/tcp-proxy';

const TABS = 3;
const PUSH_EVERY_MS = 50;
const SEND_EVERY_MS = 250;

const test = base.extend<{ nginx: Nginx }>({
  nginx: async ({ referenceServer }, use) => {
    const nginx = await startNginx({
      upstreamPort: referenceServer.port,
      readTimeout: '60s',
      upgradeSwitch: true,
    });
    await use(nginx);
    await nginx.close();
  },
});

function transportOf(page: Page): Promise<ConnectionSnapshot['transport']> {
  return page.evaluate(async () => (await window.harness.inspect())?.transport);
}

/** The tabs' sends as the server received them. */
function collectSends(referenceServer: { server: import('tabsocket/server').TabSocketServer }) {
  const received: NumberedSend[] = [];
  referenceServer.server.on('message', (_client, data) => received.push(data as NumberedSend));
  return () => received;
}

test('upgrades refused by nginx: one HTTP stream for 3 tabs, every push once per tab, every send once; upgrades allowed again: back on a WebSocket, nothing lost or doubled', async ({
  context,
  referenceServer,
  nginx,
  openTab,
}) => {
  const { server } = referenceServer;
  const received = collectSends(referenceServer);
  nginx.refuseUpgrades(true);
  const options = {
    url: `${nginx.url}?token=user-alice`,
    heartbeat: { interval: 1_000, timeout: 1_000 },
    reconnect: { minDelay: 100, maxDelay: 300 },
    probeDelay: 2_000,
  };
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) tabs.push(await openTab(context, options));
  await expectAll(tabs, 'open');
  for (const tab of tabs) expect(await transportOf(tab)).toBe('sse');
  expect(server.stats()).toMatchObject({ openSockets: 1, httpStreams: 1 });
  const opens = await tabs[0]?.evaluate(() =>
    window.harness.states.filter((entry) => entry.state === 'open').map((entry) => entry.detail),
  );
  expect(opens?.at(-1)).toMatchObject({ reason: 'open', transport: 'sse' });

  const pushes = new NumberedStream(server, 'alice', PUSH_EVERY_MS);
  await Promise.all(tabs.map((tab, index) => startSending(tab, index, SEND_EVERY_MS)));
  // Pushes and sends on the stream while the probes fail: the scenario's clock, not a wait for an event.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  expect(server.stats()).toMatchObject({ openSockets: 1, httpStreams: 1 });
  const pushedOnStream = pushes.pushed;

  nginx.refuseUpgrades(false);
  for (const tab of tabs) {
    await expect.poll(() => transportOf(tab), { timeout: 20_000 }).toBe('websocket');
  }
  await expect.poll(() => server.stats().httpStreams).toBe(0);
  expect(server.stats().openSockets).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const pushed = pushes.stop();

  for (const [index, tab] of tabs.entries()) await expectEveryPushOnce(tab, pushed, `tab ${index}`);
  const outcomes = await checkSends(new Map(tabs.entries()), received);
  expect(outcomes).toEqual({ ok: expect.any(Number) });
  expect(duplicateSends(received())).toBe(0);
  const states = await tabs[0]?.evaluate(() => window.harness.states.map((entry) => entry.detail));
  expect(states?.some((detail) => detail.reason === 'transport')).toBe(true);
  console.log(
    `[figure] upgrades refused, ${TABS} tabs: 1 HTTP stream; pushes ${pushed} (${pushedOnStream} while on the stream), each once in every tab; sends ${outcomes.ok}, each once; back on a WebSocket after the probe`,
  );
});

const CUT_EVERY_MS = 3_000;
const CUT_RUN_MS = 30_000;

test('a proxy that cuts the stream every 3 s: 0 lost, 0 duplicate across 30 s; a logout ends the stream', async ({
  context,
  referenceServer,
  openTab,
}) => {
  test.setTimeout(120_000);
  const { server } = referenceServer;
  const proxy = await TcpProxy.start(referenceServer.port);
  try {
    const received = collectSends(referenceServer);
    const options = {
      url: referenceServer.urlFor('alice', proxy.port),
      transports: ['sse' as const],
      heartbeat: { interval: 1_000, timeout: 1_000 },
      reconnect: { minDelay: 100, maxDelay: 300 },
    };
    const tabs: Page[] = [];
    for (let i = 0; i < TABS; i++) tabs.push(await openTab(context, options));
    await expectAll(tabs, 'open');
    expect(server.stats().httpStreams).toBe(1);

    const pushes = new NumberedStream(server, 'alice', PUSH_EVERY_MS / 2);
    await Promise.all(tabs.map((tab, index) => startSending(tab, index, SEND_EVERY_MS)));
    let cuts = 0;
    // The cuts are the scenario: every connection through the proxy, the stream's and the POSTs', ends at once.
    const cutter = setInterval(() => {
      proxy.blackhole();
      proxy.recover();
      cuts += 1;
    }, CUT_EVERY_MS);
    await new Promise((resolve) => setTimeout(resolve, CUT_RUN_MS));
    clearInterval(cutter);
    const pushed = pushes.stop();

    await expectAll(tabs, 'open');
    for (const [index, tab] of tabs.entries()) {
      await expectEveryPushOnce(tab, pushed, `tab ${index}`);
      expect(await tab.evaluate(() => window.harness.resyncs)).toBe(0);
    }
    const outcomes = await checkSends(new Map(tabs.entries()), received);
    expect(outcomes).toEqual({ ok: expect.any(Number) });
    expect(duplicateSends(received())).toBe(0);
    const opens = await tabs[0]?.evaluate(
      () => window.harness.states.filter((entry) => entry.state === 'open').length,
    );
    expect(opens).toBeGreaterThan(cuts / 2);
    // A logout ends the stream: the server holds none after it.
    expect(server.stats().httpStreams).toBe(1);
    await tabs[0]?.evaluate(() => window.harness.close());
    await expect.poll(() => server.stats()).toMatchObject({ httpStreams: 0, openSockets: 0 });
    console.log(
      `[figure] HTTP stream cut every ${CUT_EVERY_MS / 1000} s for ${CUT_RUN_MS / 1000} s (${cuts} cuts, ${opens} opens), ${TABS} tabs: pushes ${pushed}, each once in every tab (0 lost, 0 duplicate); sends ${outcomes.ok}, each once`,
    );
  } finally {
    await proxy.close();
  }
});
