import { expect } from '../fixtures';
import { expectAll, messagesOf } from '../tabs';
import type { Scenario } from './scenario';

const TABS = 4;

export const sharing: Scenario = {
  title: `${TABS} tabs share 1 server socket; a push reaches each tab once; a send reaches the server once`,
  async run(ctx) {
    const server = await ctx.countingServer();
    const tabs = [];
    for (let i = 0; i < TABS; i++) tabs.push(await ctx.openTab({ url: server.url }));
    await expectAll(tabs, 'open');
    await expect.poll(() => server.open).toBe(1);
    expect(server.opened).toBe(1);

    expect(server.push({ n: 1 })).toBe(1);
    expect(server.push({ n: 2 })).toBe(1);
    for (const tab of tabs) await expect.poll(() => messagesOf(tab)).toEqual([{ n: 1 }, { n: 2 }]);

    for (const [index, tab] of tabs.entries()) {
      await tab.evaluate((from) => window.harness.send({ from }), index);
    }
    await expect.poll(() => server.received.length).toBe(TABS);
    const expected = tabs.map((_, from) => JSON.stringify({ from }));
    expect([...server.received].sort()).toEqual(expected.sort());

    // One more push, through to every tab: a send written twice would have arrived by now.
    server.push({ n: 3 });
    for (const tab of tabs) await expect.poll(async () => (await messagesOf(tab)).length).toBe(3);
    expect(server.received.length).toBe(TABS);
    expect(server.opened).toBe(1);
  },
};
