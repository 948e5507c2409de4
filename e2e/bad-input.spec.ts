import { expect, expectAll, messagesOf, test } from './support/fixtures';

test.describe('bad input', () => {
  test('malformed JSON and a 2 MB frame: typed errors, the text delivered, the socket unharmed', async ({
    context,
    server,
    openTab,
  }) => {
    const tabs = [
      await openTab(context, { url: server.url }),
      await openTab(context, { url: server.url }),
    ];
    await expectAll(tabs, 'open');
    const big = { blob: 'x'.repeat(2 * 1024 * 1024) };
    server.push('{not json');
    server.push(big);
    server.push({ after: true });
    for (const tab of tabs) {
      await expect.poll(async () => (await messagesOf(tab)).length).toBe(3);
      const summary = await tab.evaluate(() => {
        const [bad, huge, after] = window.harness.messages as [string, { blob: string }, unknown];
        return { bad, hugeLength: huge.blob.length, after, errors: window.harness.errors };
      });
      expect(summary).toMatchObject({
        bad: '{not json',
        hugeLength: big.blob.length,
        after: { after: true },
        errors: [{ code: 'TS_ERR_MALFORMED_FRAME' }],
      });
    }
    expect(server.opened).toBe(1);
  });

  test('invalid options throw a typed error in that tab and harm no other', async ({
    context,
    server,
    openTab,
  }) => {
    const healthy = await openTab(context, { url: server.url });
    const careless = await openTab(context, { url: server.url });
    await expectAll([healthy, careless], 'open');
    const errors = await careless.evaluate(
      (url) =>
        [
          { url: 'ftp://example.com' },
          { url, heartbeat: { interval: -5 } },
          { url, reconnect: { jitter: 2 } },
          { url, colour: 'red' },
          { url: 42 },
        ].map((options) => window.harness.tryConnect(options)),
      server.url,
    );
    expect(errors.map((error) => [error?.name, error?.code])).toEqual(
      Array(5).fill(['InvalidOptionError', 'TS_ERR_INVALID_OPTION']),
    );
    expect(errors[1]?.message).toContain('heartbeat.interval');
    server.push({ still: 'fine' });
    for (const tab of [healthy, careless]) {
      await expect.poll(() => messagesOf(tab)).toEqual([{ still: 'fine' }]);
    }
    expect(server.opened).toBe(1);
  });
});
