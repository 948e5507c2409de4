import { expect, expectAll, messagesOf, stateOf, test } from './support/fixtures';

test.describe('one socket for every tab', () => {
  test('10 tabs share 1 server socket; a push reaches each tab once; a send reaches the server once', async ({
    context,
    server,
    openTab,
  }) => {
    const options = { url: server.url };
    const tabs = [];
    for (let i = 0; i < 10; i++) tabs.push(await openTab(context, options));
    await expectAll(tabs, 'open');
    expect(server.opened).toBe(1);
    expect(server.open).toBe(1);

    expect(server.push({ n: 1 })).toBe(1);
    expect(server.push({ n: 2 })).toBe(1);
    for (const tab of tabs) {
      await expect.poll(() => messagesOf(tab)).toEqual([{ n: 1 }, { n: 2 }]);
    }
    for (const [index, tab] of tabs.entries()) {
      await tab.evaluate((i) => window.harness.send({ from: i }), index);
    }
    await expect.poll(() => server.received.length).toBe(10);
    const expected = tabs.map((_, index) => JSON.stringify({ from: index }));
    expect([...server.received].sort()).toEqual([...expected].sort());
    console.log(
      `[figure] 10 tabs: ${server.opened} server socket(s), 2 pushes → ${10 * 2} deliveries, 10 sends → ${server.received.length} received`,
    );
  });

  test('close() in one tab closes the socket for all; logging in again opens exactly one', async ({
    context,
    server,
    openTab,
  }) => {
    const [first, second] = [
      await openTab(context, { url: server.url }),
      await openTab(context, { url: server.url }),
    ];
    await expect.poll(() => stateOf(second)).toBe('open');
    await first.evaluate(() => window.harness.close(1000, 'logout'));
    for (const tab of [first, second]) await expect.poll(() => stateOf(tab)).toBe('closed');
    await expect.poll(() => server.open).toBe(0);

    await second.evaluate((url) => window.harness.open({ url: `${url}?user=b` }), server.url);
    for (const tab of [first, second]) await expect.poll(() => stateOf(tab)).toBe('open');
    expect(server.opened).toBe(2);
    expect(server.open).toBe(1);
    server.push('"once"');
    await expect.poll(() => first.evaluate(() => window.harness.messages)).toEqual(['once']);
  });

  test('a closed tab is dropped by the worker through its Web Lock', async ({
    context,
    server,
    openTab,
  }) => {
    const stays = await openTab(context, { url: server.url });
    const goes = await openTab(context, { url: server.url });
    await expect
      .poll(async () => (await stays.evaluate(() => window.harness.inspect()))?.tabs.length)
      .toBe(2);
    await goes.close();
    await expect
      .poll(async () => (await stays.evaluate(() => window.harness.inspect()))?.tabs.length)
      .toBe(1);
    expect(server.open).toBe(1);
  });
});
