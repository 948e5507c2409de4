import type { Page } from '@playwright/test';
import { expect, expectAll, messagesOf, stateOf, test } from './support/fixtures';

interface Push {
  user: string;
  seq: number;
}

test('logout and login 20 times across tabs, switching users: 1 socket, no duplicate, no stray push', async ({
  context,
  referenceServer,
  openTab,
}) => {
  const { server, urlFor } = referenceServer;
  const tabs: Page[] = [];
  for (let i = 0; i < 3; i++) tabs.push(await openTab(context, { url: urlFor('alice') }));
  await expectAll(tabs, 'open');

  let seq = 0;
  let strayPushesWritten = 0;
  for (let round = 0; round < 20; round++) {
    const user = round % 2 === 0 ? 'alice' : 'bob';
    const previous = round % 2 === 0 ? 'bob' : 'alice';
    const actor = tabs[round % tabs.length] as Page;

    await actor.evaluate(() => window.harness.close(1000, 'logout'));
    await expectAll(tabs, 'closed');
    await actor.evaluate((url) => window.harness.open({ url }), urlFor(user));
    await expectAll(tabs, 'open');
    await expect.poll(() => server.stats().openSockets).toBe(1);

    // The user who logged out must get nothing: the server has no socket of theirs.
    strayPushesWritten += server.push(previous, { user: previous, seq: -1 });
    for (let i = 0; i < 3; i++) {
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
    const seqs = messages.map((message) => message.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(Array.from({ length: seq }, (_, index) => index + 1));
    // Each push went to the user logged in at the time, and only to them.
    for (const message of messages) {
      const round = Math.floor((message.seq - 1) / 3);
      expect(message.user).toBe(round % 2 === 0 ? 'alice' : 'bob');
    }
    expect(await stateOf(tab)).toBe('open');
  }
  console.log(
    `[figure] 20 logout/login rounds, 3 tabs: ${server.stats().openSockets} socket open at the end, ${seq} pushes, ${3 * seq} deliveries, 0 duplicates, ${strayPushesWritten} stray`,
  );
});
