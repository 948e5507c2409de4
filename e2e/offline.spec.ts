import type { Page } from '@playwright/test';
import { expect, expectAll, statesOf, test } from './support/fixtures';

test('offline pauses the shared socket in every tab; online reconnects at once', async ({
  context,
  server,
  openTab,
}) => {
  // A long minDelay: an immediate reconnect on online cannot be the backoff timer's doing.
  const options = { url: server.url, reconnect: { minDelay: 20_000, maxDelay: 20_000 } };
  const tabs = [await openTab(context, options), await openTab(context, options)];
  await expectAll(tabs, 'open');

  await context.setOffline(true);
  await expectAll(tabs, 'offline');
  for (const tab of tabs) {
    expect((await statesOf(tab)).at(-1)?.detail.reason).toBe('offline');
  }

  const onlineAt = Date.now();
  await context.setOffline(false);
  await expectAll(tabs, 'open', 5_000);
  const reconnectMs = Date.now() - onlineAt;
  expect(reconnectMs).toBeLessThan(5_000);
  expect(server.opened).toBe(2);
  await expect.poll(() => server.open).toBe(1);
  const reasons = (await statesOf(tabs[0] as Page)).map((entry) => entry.detail.reason);
  expect(reasons.slice(-3)).toEqual(['offline', 'online', 'open']);
  console.log(`[figure] offline → online: open again after ${reconnectMs} ms (minDelay 20000 ms)`);
});
