import { expect } from '../fixtures';
import { attachedTabs, connectTab, expectAll, firstReason } from '../tabs';
import type { Scenario } from './scenario';

export const reload: Scenario = {
  title: (traits) =>
    traits.workerOutlivesReload
      ? 'a reload keeps the socket, beside another tab and as the only tab: the SharedWorker outlives its last page'
      : 'a reload keeps the socket beside another tab; reloading the only tab opens a new socket: the SharedWorker ends with its last page',
  async run(ctx) {
    const server = await ctx.countingServer();
    const options = { url: server.url, gracePeriod: 5_000 };
    const other = await ctx.openTab(options);
    const tab = await ctx.openTab(options);
    await expectAll([other, tab], 'open');

    await tab.reload();
    await connectTab(tab, options);
    await expectAll([tab], 'open');
    expect(await firstReason(tab)).toBe('attached');
    expect(server.opened).toBe(1);

    await other.close();
    await expect.poll(() => attachedTabs(tab)).toBe(1);
    await tab.reload();
    await connectTab(tab, options);
    await expectAll([tab], 'open');
    if (ctx.traits.workerOutlivesReload) {
      expect(await firstReason(tab)).toBe('attached');
      expect(server.opened).toBe(1);
    } else {
      // A new worker: it takes the session over from the cursor the page kept, on a new
      // socket, and the old worker's socket is gone.
      expect(await firstReason(tab)).toBe('handover');
      expect(server.opened).toBe(2);
    }
    await expect.poll(() => server.open).toBe(1);
  },
};
