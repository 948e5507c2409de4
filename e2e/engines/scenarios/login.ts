import type { Tab } from '../drivers/driver';
import { expect } from '../fixtures';
import { expectAll, messagesOf } from '../tabs';
import type { Scenario } from './scenario';

const TABS = 3;
const ROUNDS = 4;
const PUSHES_PER_ROUND = 2;

interface Push {
  user: string;
  seq: number;
}

const userOf = (round: number) => (round % 2 === 0 ? 'alice' : 'bob');

export const login: Scenario = {
  title: `logout in one tab closes the socket of all ${TABS}; login again, switching users ${ROUNDS} times: 1 socket, no duplicate, no stray push`,
  async run(ctx) {
    const { server, urlFor } = await ctx.referenceServer();
    const tabs: Tab[] = [];
    for (let i = 0; i < TABS; i++) tabs.push(await ctx.openTab({ url: urlFor('alice') }));
    await expectAll(tabs, 'open');

    let seq = 0;
    let strayPushesWritten = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const user = userOf(round);
      const previous = userOf(round + 1);
      const actor = tabs[round % TABS] as Tab;

      await actor.evaluate(() => window.harness.close(1000, 'logout'));
      await expectAll(tabs, 'closed');
      await expect.poll(() => server.stats().openSockets).toBe(0);
      await actor.evaluate((url) => window.harness.open({ url }), urlFor(user));
      await expectAll(tabs, 'open');
      await expect.poll(() => server.stats().openSockets).toBe(1);

      // The user who logged out has no socket left: a push to them is written nowhere.
      strayPushesWritten += server.push(previous, { user: previous, seq: -1 });
      for (let i = 0; i < PUSHES_PER_ROUND; i++) {
        seq += 1;
        expect(server.push(user, { user, seq })).toBe(1);
      }
      for (const tab of tabs) {
        await expect.poll(async () => (await messagesOf(tab)).length).toBe(seq);
      }
    }

    expect(strayPushesWritten).toBe(0);
    for (const tab of tabs) {
      const messages = (await messagesOf(tab)) as Push[];
      expect(messages.map((message) => message.seq)).toEqual(
        Array.from({ length: seq }, (_, index) => index + 1),
      );
      for (const message of messages) {
        expect(message.user).toBe(userOf(Math.floor((message.seq - 1) / PUSHES_PER_ROUND)));
      }
    }
  },
};
