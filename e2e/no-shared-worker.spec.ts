import { expect, expectAll, messagesOf, test } from './support/fixtures';

test.describe('a browser without SharedWorker', () => {
  test.beforeEach(async ({ context }) => {
    await context.addInitScript(() => {
      // As in older Chrome for Android and Android WebView.
      Reflect.deleteProperty(window, 'SharedWorker');
    });
  });

  test('each tab runs the hub in a dedicated worker of its own: pushes, sends and logout work', async ({
    context,
    server,
    openTab,
  }) => {
    const tabs = [
      await openTab(context, { url: server.url }),
      await openTab(context, { url: server.url }),
    ];
    await expectAll(tabs, 'open');
    expect(await tabs[0]?.evaluate(() => typeof SharedWorker)).toBe('undefined');
    // Until the socket has one owner across such tabs, each has its own.
    expect(server.opened).toBe(2);
    server.push({ n: 1 });
    for (const tab of tabs) await expect.poll(() => messagesOf(tab)).toEqual([{ n: 1 }]);
    await tabs[1]?.evaluate(() => window.harness.send({ from: 'tab 2' }));
    await expect.poll(() => server.received).toEqual(['{"from":"tab 2"}']);
    await tabs[0]?.evaluate(() => window.harness.close());
    await expect.poll(() => tabs[0]?.evaluate(() => window.harness.state())).toBe('closed');
    await expect.poll(() => server.open).toBe(1);
  });
});
