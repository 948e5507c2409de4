import { expect, statesOf, test } from './support/fixtures';

test('a 4401 close fails every tab at once with the code, and nothing retries', async ({
  context,
  server,
  openTab,
}) => {
  const options = { url: server.url, reconnect: { minDelay: 100, maxDelay: 100 } };
  const tabs = [await openTab(context, options), await openTab(context, options)];
  for (const tab of tabs)
    await expect.poll(() => tab.evaluate(() => window.harness.state())).toBe('open');

  const started = Date.now();
  server.closeAll(4401, 'token expired');
  for (const tab of tabs) {
    await expect
      .poll(() => tab.evaluate(() => window.harness.state()), { timeout: 1_000 })
      .toBe('failed');
  }
  const failedMs = Date.now() - started;
  for (const tab of tabs) {
    expect((await statesOf(tab)).at(-1)?.detail).toMatchObject({
      reason: 'stop-code',
      code: 4401,
      closeReason: 'token expired',
    });
  }
  // "Nothing happens" can only be watched for a while: ten times the retry delay.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(server.opened).toBe(1);
  console.log(
    `[figure] close 4401: every tab failed within ${failedMs} ms, ${server.opened} socket opened in all`,
  );
});
