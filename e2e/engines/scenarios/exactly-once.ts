import type { Tab } from '../drivers/driver';
import { expect } from '../fixtures';
import { expectAll, messagesOf } from '../tabs';
import type { Scenario } from './scenario';

const TABS = 3;
const PUSH_EVERY_MS = 25;
const SEND_EVERY_MS = 200;
const RUN_MS = 8_000;

type Sending = Window & { stopSending?: () => number; sendFailures?: string[] };

/** The tab sends `{ tab, n }` every SEND_EVERY_MS, n = 0, 1, 2…, until stopSending(). */
function startSending(tab: Tab, index: number): Promise<void> {
  return tab.evaluate(
    ({ index, every }) => {
      const page = window as Sending;
      page.sendFailures = [];
      let n = 0;
      const timer = setInterval(() => {
        const message = { tab: index, n: n++ };
        window.harness
          .send(message)
          .catch((error: Error) => page.sendFailures?.push(`${message.n}: ${error.name}`));
      }, every);
      page.stopSending = () => {
        clearInterval(timer);
        return n;
      };
    },
    { index, every: SEND_EVERY_MS },
  );
}

async function pushNumbers(tab: Tab): Promise<number[]> {
  return ((await messagesOf(tab)) as Array<{ n?: number }>)
    .map((message) => message.n)
    .filter((n): n is number => typeof n === 'number');
}

export const exactlyOnce: Scenario = {
  title: `reference server through cuts and a black hole, ${RUN_MS / 1000} s: every push reaches each of ${TABS} tabs once, every send the server once`,
  timeout: 90_000,
  async run(ctx) {
    const { server, port, urlFor } = await ctx.referenceServer();
    const proxy = await ctx.tcpProxy(port);
    const received: Array<{ tab: number; n: number }> = [];
    server.on('message', (_client, data) => received.push(data as { tab: number; n: number }));
    const options = {
      url: urlFor('alice', proxy.port),
      heartbeat: { interval: 1_000, timeout: 1_000 },
      reconnect: { minDelay: 100, maxDelay: 500 },
      connectTimeout: 1_500,
    };
    const tabs: Tab[] = [];
    for (let i = 0; i < TABS; i++) tabs.push(await ctx.openTab(options));
    await expectAll(tabs, 'open');

    let pushed = 0;
    const stream = setInterval(() => server.push('alice', { n: pushed++ }), PUSH_EVERY_MS);
    const cut = () => {
      for (const socket of server.wss.clients) socket.terminate();
    };
    // The fault schedule is the scenario itself: these waits are its clock.
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const started = Date.now();
    try {
      for (const [i, tab] of tabs.entries()) await startSending(tab, i);
      await wait(1_500);
      cut();
      await wait(1_500);
      proxy.blackhole();
      await wait(1_500);
      proxy.recover();
      await wait(1_500);
      cut();
      await wait(RUN_MS - (Date.now() - started));
    } finally {
      clearInterval(stream);
    }
    const sentPerTab: number[] = [];
    for (const tab of tabs) {
      sentPerTab.push(await tab.evaluate(() => (window as Sending).stopSending?.() ?? 0));
    }

    await expectAll(tabs, 'open');
    for (const tab of tabs) {
      await expect
        .poll(async () => (await pushNumbers(tab)).length, { timeout: 15_000 })
        .toBe(pushed);
    }
    const sentTotal = sentPerTab.reduce((sum, count) => sum + count, 0);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(sentTotal);

    const everyPush = Array.from({ length: pushed }, (_, n) => n);
    for (const tab of tabs) {
      expect(await pushNumbers(tab)).toEqual(everyPush);
      expect(await tab.evaluate(() => (window as Sending).sendFailures)).toEqual([]);
      expect(await tab.evaluate(() => window.harness.resyncs)).toBe(0);
    }
    for (const [tab, sent] of sentPerTab.entries()) {
      const ns = received.filter((message) => message.tab === tab).map((message) => message.n);
      expect(ns).toEqual(Array.from({ length: sent }, (_, n) => n));
    }
    ctx.figure(
      `exactly-once: ${pushed} pushes × ${TABS} tabs delivered once each, ${sentTotal} sends received once each, through 2 cuts and a 1.5 s black hole`,
    );
  },
};
