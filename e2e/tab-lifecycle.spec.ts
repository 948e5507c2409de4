import type { Page } from '@playwright/test';
import { expect, expectAll, test } from './support/fixtures';

async function attachedTabs(page: Page): Promise<number | undefined> {
  return (await page.evaluate(() => window.harness.inspect()))?.tabs.length;
}

test.describe('tabs that leave', () => {
  test('a closed tab and a crashed tab are released within 1 s', async ({
    context,
    server,
    openTab,
  }) => {
    const tabs: Page[] = [];
    for (let i = 0; i < 3; i++) tabs.push(await openTab(context, { url: server.url }));
    const [stays, closes, crashes] = tabs as [Page, Page, Page];
    await expectAll(tabs, 'open');
    await expect.poll(() => attachedTabs(stays)).toBe(3);

    let started = Date.now();
    await closes.close();
    await expect.poll(() => attachedTabs(stays), { timeout: 1_000 }).toBe(2);
    const closedMs = Date.now() - started;

    started = Date.now();
    // The renderer dies without pagehide: only its released Web Lock tells the worker.
    // (CDP's Page.crash also wedges Playwright's other pages; chrome://crash does not.)
    await crashes.goto('chrome://crash').catch(() => {});
    await expect.poll(() => attachedTabs(stays), { timeout: 1_000 }).toBe(1);
    const crashedMs = Date.now() - started;

    expect(server.opened).toBe(1);
    expect(server.open).toBe(1);
    console.log(`[figure] tab released: closed in ${closedMs} ms, crashed in ${crashedMs} ms`);
  });

  test('the socket closes gracePeriod after the last tab closed', async ({
    context,
    server,
    openTab,
  }) => {
    const gracePeriod = 1_500;
    const tab = await openTab(context, { url: server.url, gracePeriod });
    await expectAll([tab], 'open');
    const keeper = await context.newPage(); // keeps the browser context, not the socket
    const started = Date.now();
    await tab.close();
    await expect.poll(() => server.open, { timeout: gracePeriod + 3_000 }).toBe(0);
    const closedAfter = Date.now() - started;
    expect(closedAfter).toBeGreaterThanOrEqual(gracePeriod - 100);
    await keeper.close();
    console.log(
      `[figure] last tab closed: socket closed after ${closedAfter} ms (gracePeriod ${gracePeriod} ms)`,
    );
  });

  test('reloading the only tab within the grace period keeps the same socket', async ({
    context,
    server,
    openTab,
  }) => {
    const options = { url: server.url, gracePeriod: 5_000 };
    const tab = await openTab(context, options);
    await expectAll([tab], 'open');
    await tab.reload();
    await tab.waitForFunction(() => window.harness !== undefined);
    await tab.evaluate((opts) => window.harness.open(opts), options);
    await expectAll([tab], 'open');
    expect(server.opened).toBe(1);
    expect(server.open).toBe(1);
    expect((await tab.evaluate(() => window.harness.states))[0]?.detail.reason).toBe('attached');
  });
});
