import type { Tab } from '../drivers/driver';
import { expect } from '../fixtures';
import { expectAll, nowIn, seen, stateOf } from '../tabs';
import type { Scenario } from './scenario';

const HEARTBEAT = { interval: 1000, timeout: 1000 };
const LIFESPAN = HEARTBEAT.interval + HEARTBEAT.timeout;
const RECONNECT = { minDelay: 200, maxDelay: 1000 };
const CONNECT_TIMEOUT = 1500;
const TABS = 3;
const SENDS = 4;

type Settling = Window & { settled?: string[] };

/** Sends `{ tab, seq }` for each seq without waiting; notes how each send settled. */
function sendAll(tab: Tab, index: number): Promise<void> {
  return tab.evaluate(
    ({ index, sends }) => {
      const page = window as Settling;
      page.settled = [];
      for (let seq = 0; seq < sends; seq++) {
        window.harness.send({ tab: index, seq }).then(
          () => page.settled?.push(`ok ${seq}`),
          (error: Error) => page.settled?.push(`${error.name} ${seq}`),
        );
      }
    },
    { index, sends: SENDS },
  );
}

export const halfOpen: Scenario = {
  title: `half-open socket (black hole): detected within interval + timeout (${LIFESPAN} ms); sends made meanwhile arrive once, in order, after recovery`,
  async run(ctx) {
    const server = await ctx.countingServer();
    const proxy = await ctx.tcpProxy(Number(new URL(server.url).port));
    const options = {
      url: `ws://127.0.0.1:${proxy.port}/`,
      heartbeat: HEARTBEAT,
      reconnect: RECONNECT,
      connectTimeout: CONNECT_TIMEOUT,
    };
    const tabs: Tab[] = [];
    for (let i = 0; i < TABS; i++) tabs.push(await ctx.openTab(options));
    await expectAll(tabs, 'open');
    expect(server.opened).toBe(1);

    // Each tab's clock just before the black hole: the measured figure is an upper bound.
    const blackholedAt = await Promise.all(tabs.map(nowIn));
    proxy.blackhole();
    const detectedMs: number[] = [];
    for (const [i, tab] of tabs.entries()) {
      const since = blackholedAt[i] ?? 0;
      await expect
        .poll(() => seen(tab, { reason: 'heartbeat-timeout', since }), { timeout: LIFESPAN * 3 })
        .not.toBeNull();
      const at = (await seen(tab, { reason: 'heartbeat-timeout', since })) ?? Number.NaN;
      detectedMs.push(Math.round(at - since));
    }
    ctx.figure(
      `half-open detection: ${Math.max(...detectedMs)} ms (interval + timeout ${LIFESPAN} ms; per tab ${detectedMs.join('/')} ms)`,
    );
    for (const ms of detectedMs) expect(ms).toBeLessThanOrEqual(LIFESPAN * 1.5);

    for (const [i, tab] of tabs.entries()) {
      expect(['backoff', 'connecting']).toContain(await stateOf(tab));
      await sendAll(tab, i);
    }
    expect(server.received).toEqual([]);
    proxy.recover();

    await expectAll(tabs, 'open', RECONNECT.maxDelay + CONNECT_TIMEOUT * 2);
    await expect.poll(() => server.received.length).toBe(TABS * SENDS);
    const frames = server.received.map((text) => JSON.parse(text) as { tab: number; seq: number });
    const inOrder = Array.from({ length: SENDS }, (_, seq) => seq);
    for (const [i, tab] of tabs.entries()) {
      expect(frames.filter((frame) => frame.tab === i).map((frame) => frame.seq)).toEqual(inOrder);
      await expect
        .poll(() => tab.evaluate(() => (window as Settling).settled ?? []))
        .toEqual(inOrder.map((seq) => `ok ${seq}`));
    }
    // The blackholed socket is gone at the server too; exactly one socket replaced it.
    await expect.poll(() => server.open).toBe(1);
    expect(server.opened).toBe(2);
  },
};
