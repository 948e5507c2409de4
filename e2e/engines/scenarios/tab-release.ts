import type { Tab } from '../drivers/driver';
import { expect } from '../fixtures';
import { attachedTabs, expectAll } from '../tabs';
import type { Scenario } from './scenario';

const RELEASE_WITHIN_MS = 1000;

export const tabRelease: Scenario = {
  title: (traits) =>
    traits.noCrash
      ? `a closed tab and a tab navigated away are dropped through their Web Locks within ${RELEASE_WITHIN_MS} ms (no crash here: ${traits.noCrash})`
      : `a closed, a navigated-away and a crashed tab are dropped through their Web Locks within ${RELEASE_WITHIN_MS} ms`,
  async run(ctx) {
    const server = await ctx.countingServer();
    const count = ctx.traits.noCrash ? 3 : 4;
    const tabs: Tab[] = [];
    for (let i = 0; i < count; i++) tabs.push(await ctx.openTab({ url: server.url }));
    const [stays, closes, leaves, crashes] = tabs as [Tab, Tab, Tab, Tab | undefined];
    await expectAll(tabs, 'open');
    await expect.poll(() => attachedTabs(stays)).toBe(count);

    let attached = count;
    /** ms from the start of `leave` until the worker counts one tab fewer. */
    const released = async (leave: () => Promise<void>) => {
      const started = performance.now();
      await leave();
      attached -= 1;
      await expect
        .poll(() => attachedTabs(stays), { timeout: RELEASE_WITHIN_MS, intervals: [10] })
        .toBe(attached);
      return Math.round(performance.now() - started);
    };
    const closedMs = await released(() => closes.close());
    const navigatedMs = await released(() => leaves.goto('about:blank'));
    // Only a released Web Lock tells the worker of a crash: no pagehide runs.
    const crashedMs = crashes?.crash
      ? await released(() => (crashes.crash as () => Promise<void>)())
      : null;

    expect(server.opened).toBe(1);
    expect(server.open).toBe(1);
    ctx.figure(
      `tab released: closed ${closedMs} ms, navigated away ${navigatedMs} ms` +
        (crashedMs === null ? '' : `, crashed ${crashedMs} ms`),
    );
  },
};
