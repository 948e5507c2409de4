import type { BrowserContext, Page } from '@playwright/test';
import { expect, expectAll, messagesOf, stateOf, statesOf, test } from './support/fixtures';
import { TokenServer } from './support/token-server';

/** Each token lives this long at the server, then it closes the socket with 4401. */
const TTL = 1_500;

const tokens = test.extend<{ tokenServer: TokenServer }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
  tokenServer: async ({}, use) => {
    const server = await TokenServer.start(TTL);
    await use(server);
    await server.close();
  },
});

/** A tab of the test app that connects with a url function fetching tokens as `from`. */
async function openWithTokens(
  context: BrowserContext,
  appUrl: string,
  server: TokenServer,
  from: string,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(appUrl);
  await page.waitForFunction(() => window.harness !== undefined);
  // A token must outlive minUptime for its successor to be refreshed at once again.
  const options = { heartbeat: false as const, reconnect: { minUptime: TTL / 3 } };
  await page.evaluate(([base, label, opts]) => window.harness.openWithTokens(opts, base, label), [
    server.httpUrl,
    from,
    options,
  ] as const);
  return page;
}

tokens(
  'with a url function every tab stays usable across token expiries: back to open with a new token each time',
  async ({ context, app, tokenServer }) => {
    const tabs: Page[] = [];
    for (const from of ['a', 'b', 'c']) {
      tabs.push(await openWithTokens(context, app.url, tokenServer, from));
    }
    await expectAll(tabs, 'open');
    // Three expiries in a row, each answered by a fresh token.
    await expect.poll(() => tokenServer.admitted.length, { timeout: 4 * TTL + 5_000 }).toBe(4);
    await expectAll(tabs, 'open');
    expect(tokenServer.open).toBe(1);
    expect(tokenServer.refused).toEqual([]);
    const tokensSeen = tokenServer.admitted.map(({ token }) => token);
    expect(new Set(tokensSeen).size).toBe(4);
    for (const tab of tabs) {
      const history = await statesOf(tab);
      expect(history.some(({ state }) => state === 'failed')).toBe(false);
      expect(
        history.filter(({ detail }) => detail.reason === 'refresh' && detail.code === 4401).length,
      ).toBeGreaterThanOrEqual(2);
    }
    // Usable: a send goes out on the socket of the newest token, and every tab gets the echo.
    await tabs[2]?.evaluate(() => window.harness.send('after refresh'));
    await expect
      .poll(() => tokenServer.received.map(({ data }) => data))
      .toContain('after refresh');
    for (const tab of tabs) {
      await expect
        .poll(async () => JSON.stringify(await messagesOf(tab)))
        .toContain('after refresh');
    }
    // On a socket of a refreshed token: the fourth or a later one.
    const sentOn = tokenServer.received.find(({ data }) => data === 'after refresh')?.token;
    expect(tokenServer.admitted.slice(3).map(({ token }) => token)).toContain(sentOn);
    console.log(
      `[figure] 3 tabs, token ttl ${TTL} ms: ${tokenServer.admitted.length} tokens admitted, ${tokenServer.issued} issued, 1 socket open, 0 failed`,
    );
  },
);

tokens(
  'with a fixed url, the expired token ends in failed, as before',
  async ({ context, openTab, tokenServer }) => {
    const url = `${tokenServer.httpUrl.replace('http', 'ws')}/ws?token=${tokenServer.issue('test')}`;
    const tabs = [await openTab(context, { url }), await openTab(context, { url })];
    await expectAll(tabs, 'open');
    await expectAll(tabs, 'failed', TTL + 5_000);
    const last = (await statesOf(tabs[0] as Page)).at(-1);
    expect(last?.detail).toMatchObject({ reason: 'stop-code', code: 4401 });
    expect(tokenServer.admitted).toHaveLength(1);
    expect(tokenServer.open).toBe(0);
  },
);

tokens(
  'hands the asking to another tab when the tab whose function was asked closes',
  async ({ context, app, tokenServer }) => {
    const first = await openWithTokens(context, app.url, tokenServer, 'first');
    await expect.poll(() => stateOf(first)).toBe('open');
    const second = await openWithTokens(context, app.url, tokenServer, 'second');
    await expect.poll(() => stateOf(second)).toBe('open');
    expect(tokenServer.admitted.map(({ from }) => from)).toEqual(['first']);
    await first.close();
    await expect
      .poll(() => tokenServer.admitted.map(({ from }) => from), { timeout: TTL + 5_000 })
      .toEqual(['first', 'second']);
    await expect.poll(() => stateOf(second)).toBe('open');
    const history = await statesOf(second);
    expect(history.some(({ state }) => state === 'failed')).toBe(false);
  },
);
