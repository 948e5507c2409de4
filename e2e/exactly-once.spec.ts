import type { Page } from '@playwright/test';
import {
  createTabSocketServer,
  suspendHeartbeatAnswers,
  type TabSocketServer,
} from 'tabsocket/server';
import { test as base, expect, expectAll } from './support/fixtures';
import { pushNumbers } from './support/pushes';
import { countBy, sendFailures, startSending, stopSending } from './support/sends';
import { TcpProxy } from './support/tcp-proxy';

const test = base.extend<{ tcpProxy: TcpProxy }>({
  tcpProxy: async ({ referenceServer }, use) => {
    const { port } = referenceServer.server.address() as { port: number };
    const proxy = await TcpProxy.start(port);
    await use(proxy);
    await proxy.close();
  },
});

const TABS = 5;
const PUSH_EVERY_MS = 20; // 50 pushes a second
const SEND_EVERY_MS = 200; // 5 messages a second from every tab
const RUN_MS = 20_000;

function cutAll(server: TabSocketServer): void {
  for (const socket of server.wss.clients) socket.terminate();
}

test('every push reaches every tab once and every send the server once, through cuts, blackholes and silent heartbeats', async ({
  context,
  referenceServer,
  tcpProxy,
  openTab,
}) => {
  test.setTimeout(90_000);
  const { server } = referenceServer;
  const received: Array<{ tab: number; n: number }> = [];
  server.on('message', (_client, data) => received.push(data as { tab: number; n: number }));
  const options = {
    url: `ws://127.0.0.1:${tcpProxy.port}/?token=user-alice`,
    heartbeat: { interval: 1_000, timeout: 1_000 },
    reconnect: { minDelay: 100, maxDelay: 500 },
    connectTimeout: 1_500,
  };
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) tabs.push(await openTab(context, options));
  await expectAll(tabs, 'open');

  let pushed = 0;
  const stream = setInterval(() => server.push('alice', { n: pushed++ }), PUSH_EVERY_MS);
  await Promise.all(tabs.map((tab, index) => startSending(tab, index, SEND_EVERY_MS)));

  const cut = { name: 'cut', start: () => cutAll(server) };
  const blackhole = {
    name: 'blackhole 3 s',
    start: () => tcpProxy.blackhole(),
    lasts: 3_000,
    end: () => tcpProxy.recover(),
  };
  const silence = {
    name: 'heartbeats dropped 3 s',
    start: () => suspendHeartbeatAnswers(server, 3_000),
  };
  /** [ms after the previous fault ended, fault] */
  const schedule: Array<[number, { name: string; start(): void; lasts?: number; end?(): void }]> = [
    [2_000, cut],
    [2_000, blackhole],
    [2_000, cut],
    [2_000, blackhole],
    [1_500, silence],
    [2_000, cut],
  ];
  // The fault schedule is the scenario itself: these waits are its clock, not synchronisation.
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const started = Date.now();
  try {
    for (const [after, fault] of schedule) {
      await wait(after);
      fault.start();
      if (fault.lasts) await wait(fault.lasts);
      fault.end?.();
    }
    await wait(RUN_MS - (Date.now() - started));
  } finally {
    clearInterval(stream);
  }
  const sentPerTab = await Promise.all(tabs.map((tab) => stopSending(tab)));

  await expectAll(tabs, 'open');
  for (const tab of tabs) {
    await expect
      .poll(async () => (await pushNumbers(tab)).length, { timeout: 15_000 })
      .toBe(pushed);
  }
  const sentTotal = sentPerTab.reduce((sum, count) => sum + count, 0);
  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(sentTotal);

  const expectedPushes = Array.from({ length: pushed }, (_, n) => n);
  for (const tab of tabs) {
    expect(await pushNumbers(tab)).toEqual(expectedPushes);
    expect(await sendFailures(tab)).toEqual([]);
    expect(await tab.evaluate(() => window.harness.resyncs)).toBe(0);
  }
  for (const [tab, sent] of sentPerTab.entries()) {
    const ns = received.filter((message) => message.tab === tab).map((message) => message.n);
    expect(ns).toEqual(Array.from({ length: sent }, (_, n) => n));
  }
  const duplicates = [...countBy(received.map((m) => `${m.tab}:${m.n}`)).values()].filter(
    (count) => count > 1,
  ).length;
  expect(duplicates).toBe(0);
  console.log(
    `[figure] exactly-once, ${TABS} tabs, ${RUN_MS / 1000} s, faults: ${schedule.map(([, fault]) => fault.name).join(', ')}: ` +
      `pushes sent ${pushed}, delivered ${pushed * TABS} (${pushed} × ${TABS} tabs), duplicates 0, lost 0; ` +
      `sends ${sentTotal}, received ${received.length}, duplicates ${duplicates}, lost 0`,
  );
});

test('a gap older than the replay log: every tab gets resync, then the stream goes on', async ({
  context,
  openTab,
}) => {
  const server = createTabSocketServer({ port: 0, host: '127.0.0.1', replay: { maxCount: 5 } });
  await server.listening();
  const proxy = await TcpProxy.start((server.address() as { port: number }).port);
  try {
    const options = {
      url: `ws://127.0.0.1:${proxy.port}/`,
      heartbeat: { interval: 500, timeout: 500 },
      reconnect: { minDelay: 100, maxDelay: 300 },
      connectTimeout: 1_000,
    };
    const tabs = [await openTab(context, options), await openTab(context, options)];
    await expectAll(tabs, 'open');
    server.broadcast({ n: 0 });
    for (const tab of tabs) await expect.poll(() => pushNumbers(tab)).toEqual([0]);

    proxy.blackhole();
    for (let n = 1; n <= 20; n++) server.broadcast({ n });
    for (const tab of tabs) {
      await expect.poll(() => tab.evaluate(() => window.harness.state())).not.toBe('open');
    }
    proxy.recover();
    for (const tab of tabs) {
      await expect.poll(() => tab.evaluate(() => window.harness.resyncs)).toBe(1);
    }
    await expectAll(tabs, 'open');
    server.broadcast({ n: 21 });
    for (const tab of tabs) {
      await expect.poll(async () => (await pushNumbers(tab)).at(-1)).toBe(21);
      // What the log still held may have been replayed; nothing arrives twice or out of order.
      const numbers = await pushNumbers(tab);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(new Set(numbers).size).toBe(numbers.length);
    }
  } finally {
    await proxy.close();
    await server.close();
  }
});
