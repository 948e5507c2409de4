import type { Tab } from '../drivers/driver';
import { expect } from '../fixtures';
import { expectAll, pushNumbers, sendFailures, startSending, stopSending } from '../tabs';
import type { Scenario } from './scenario';

const TABS = 3;
const PUSH_EVERY_MS = 50;
const SEND_EVERY_MS = 250;
const ON_STREAM_MS = 3_000;

function transportOf(tab: Tab): Promise<string | undefined> {
  return tab.evaluate(async () => (await window.harness.inspect())?.transport);
}

export const httpStream: Scenario = {
  title: `upgrades refused by nginx: one HTTP stream for ${TABS} tabs, then back on a WebSocket, every push once per tab, every send once`,
  timeout: 90_000,
  async run(ctx) {
    const { server, port } = await ctx.referenceServer();
    const nginx = await ctx.nginx({ upstreamPort: port, readTimeout: '60s', upgradeSwitch: true });
    nginx.refuseUpgrades(true);
    const received: Array<{ tab: number; n: number }> = [];
    server.on('message', (_client, data) => received.push(data as { tab: number; n: number }));
    const options = {
      url: `${nginx.url}?token=user-alice`,
      heartbeat: { interval: 1_000, timeout: 1_000 },
      reconnect: { minDelay: 100, maxDelay: 300 },
      probeDelay: 2_000,
    };
    const tabs: Tab[] = [];
    for (let i = 0; i < TABS; i++) tabs.push(await ctx.openTab(options));
    await expectAll(tabs, 'open');
    for (const tab of tabs) expect(await transportOf(tab)).toBe('sse');
    expect(server.stats()).toMatchObject({ openSockets: 1, httpStreams: 1 });

    let pushed = 0;
    const stream = setInterval(() => server.push('alice', { n: pushed++ }), PUSH_EVERY_MS);
    let onStream = 0;
    try {
      for (const [i, tab] of tabs.entries()) await startSending(tab, i, SEND_EVERY_MS);
      // Pushes and sends on the stream while the probes fail: the scenario's clock.
      await new Promise((resolve) => setTimeout(resolve, ON_STREAM_MS));
      onStream = pushed;
      nginx.refuseUpgrades(false);
      for (const tab of tabs) {
        await expect.poll(() => transportOf(tab), { timeout: 20_000 }).toBe('websocket');
      }
      await expect.poll(() => server.stats().httpStreams).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      clearInterval(stream);
    }
    const sentPerTab: number[] = [];
    for (const tab of tabs) {
      sentPerTab.push(await stopSending(tab));
    }

    const everyPush = Array.from({ length: pushed }, (_, n) => n);
    for (const tab of tabs) {
      await expect.poll(() => pushNumbers(tab), { timeout: 15_000 }).toEqual(everyPush);
      expect(await sendFailures(tab)).toEqual([]);
    }
    const sentTotal = sentPerTab.reduce((sum, count) => sum + count, 0);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(sentTotal);
    for (const [tab, sent] of sentPerTab.entries()) {
      const ns = received.filter((message) => message.tab === tab).map((message) => message.n);
      expect(ns).toEqual(Array.from({ length: sent }, (_, n) => n));
    }
    ctx.figure(
      `HTTP stream behind nginx refusing upgrades: ${pushed} pushes (${onStream} on the stream) × ${TABS} tabs once each, ${sentTotal} sends once each, back on a WebSocket after the probe`,
    );
  },
};
