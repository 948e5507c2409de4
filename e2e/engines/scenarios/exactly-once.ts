import type { Tab } from '../drivers/driver';
import { expect } from '../fixtures';
import { expectAll, pushNumbers, sendFailures, startSending, stopSending } from '../tabs';
import type { Scenario } from './scenario';

const TABS = 3;
const PUSH_EVERY_MS = 25;
const SEND_EVERY_MS = 200;
const RUN_MS = 8_000;

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
      for (const [i, tab] of tabs.entries()) await startSending(tab, i, SEND_EVERY_MS);
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
      sentPerTab.push(await stopSending(tab));
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
      expect(await sendFailures(tab)).toEqual([]);
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
