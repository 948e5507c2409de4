import type { Tab } from '../drivers/driver';
import { expect } from '../fixtures';
import { countSeen, expectAll, nowIn, seen } from '../tabs';
import type { Scenario } from './scenario';

const TABS = 3;
const RECONNECT = { minDelay: 100, maxDelay: 800, factor: 2, jitter: 0 };

export const serverRestart: Scenario = {
  title: (traits) =>
    `server killed (SIGKILL) and restarted on its port: all ${TABS} tabs back to open on 1 new socket; each send once` +
    (traits.reconnectDelay ? ` (${traits.reconnectDelay})` : ''),
  async run(ctx) {
    const first = await ctx.serverProcess();
    const options = { url: first.url, reconnect: RECONNECT };
    const tabs: Tab[] = [];
    for (let i = 0; i < TABS; i++) tabs.push(await ctx.openTab(options));
    await expectAll(tabs, 'open');
    await expect.poll(() => first.open).toBe(1);
    expect(first.opened).toBe(1);

    const killedAt = await Promise.all(tabs.map(nowIn));
    await first.kill('SIGKILL');
    const closeBackoffs = (i: number) =>
      countSeen(tabs[i] as Tab, { state: 'backoff', reason: 'close', since: killedAt[i] ?? 0 });
    for (const i of tabs.keys()) await expect.poll(() => closeBackoffs(i)).toBeGreaterThan(0);
    // A few retries fail against the closed port before the server comes back.
    await expect.poll(() => closeBackoffs(0)).toBeGreaterThanOrEqual(3);

    const restartAt = await nowIn(tabs[0] as Tab);
    const spawning = performance.now();
    const second = await ctx.serverProcess(first.port);
    const spawnMs = performance.now() - spawning;
    await expectAll(tabs, 'open');
    await expect.poll(() => second.open).toBe(1);
    expect(second.opened).toBe(1);

    // From the moment the new server listened (as near as the test can tell) to open, and
    // the handshake of the attempt that succeeded.
    const tab = tabs[0] as Tab;
    const openAt = (await seen(tab, { state: 'open', since: restartAt })) ?? Number.NaN;
    const reconnectMs = Math.max(0, Math.round(openAt - restartAt - spawnMs));
    const handshakeMs = await tab.evaluate((openAt) => {
      const attempts = window.harness.states.filter(
        (event) => event.state === 'connecting' && event.at <= openAt,
      );
      return openAt - (attempts.at(-1)?.at ?? Number.NaN);
    }, openAt);
    ctx.figure(
      `reconnect after a server restart: open ${reconnectMs} ms after it listened, handshake ${Math.round(handshakeMs)} ms (backoff ${RECONNECT.minDelay}…${RECONNECT.maxDelay} ms, no jitter; process start ${Math.round(spawnMs)} ms)`,
    );
    // Within the pending (capped) backoff delay, plus the browser's own delay where it has one.
    const allowance = ctx.traits.reconnectDelay ? 2000 : 1000;
    expect(reconnectMs).toBeLessThanOrEqual(RECONNECT.maxDelay + allowance);

    for (const [n, tab] of tabs.entries()) await tab.evaluate((n) => window.harness.send({ n }), n);
    await expect.poll(() => second.received.length).toBe(TABS);
    expect([...second.received].sort()).toEqual(tabs.map((_, n) => JSON.stringify({ n })));
    expect(second.opened).toBe(1);
  },
};
