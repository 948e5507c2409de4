import { join } from 'node:path';
import { type BrowserContext, test as base, expect, type Page } from '@playwright/test';
import type { ConnectOptions } from 'tabsocket';
import { CountingServer, type CountingServerOptions } from './counting-server';
import { type ReferenceServer, startReferenceServer } from './reference-server';
import { type StaticServer, startStaticServer } from './static-server';

export { expect };

interface Fixtures {
  app: StaticServer;
  /** How the plain `server` answers heartbeats; set with `test.use({ serverOptions })`. */
  serverOptions: CountingServerOptions;
  /** A plain ws server that knows nothing of tabsocket and counts what it sees. */
  server: CountingServer;
  /** The reference server of `tabsocket/server`; a token `user-NAME` logs in as NAME. */
  referenceServer: ReferenceServer;
  /**
   * Opens a tab of the test app in `context` and connects it with `options`; `search` is
   * the page's query (`?build=b`: the app of another deploy, see e2e/app/main.ts).
   */
  openTab(context: BrowserContext, options: ConnectOptions, search?: string): Promise<Page>;
  /** Opens `count` tabs as `openTab` does, one after the other, and waits until all are open. */
  openTabs(
    context: BrowserContext,
    count: number,
    options: ConnectOptions,
    search?: string,
  ): Promise<Page[]>;
}

export type { ReferenceServer };
export type OpenTabs = Fixtures['openTabs'];

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
  app: async ({}, use) => {
    const app = await startStaticServer(join(import.meta.dirname, '..', 'app', 'dist'));
    await use(app);
    await app.close();
  },
  serverOptions: [{}, { option: true }],
  server: async ({ serverOptions }, use) => {
    const server = await CountingServer.start(serverOptions);
    await use(server);
    await server.close();
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
  referenceServer: async ({}, use) => {
    const reference = await startReferenceServer();
    await use(reference);
    await reference.server.close();
  },
  openTab: async ({ app }, use) => {
    await use(async (context, options, search = '') => {
      const page = await context.newPage();
      await page.goto(`${app.url}${search}`);
      await page.waitForFunction(() => window.harness !== undefined);
      await page.evaluate((opts) => window.harness.open(opts), options);
      return page;
    });
  },
  openTabs: async ({ openTab }, use) => {
    await use(async (context, count, options, search) => {
      const tabs: Page[] = [];
      for (let i = 0; i < count; i++) tabs.push(await openTab(context, options, search));
      await expectAll(tabs, 'open');
      return tabs;
    });
  },
});

/** The tab's connection state, for `expect.poll`. */
export function stateOf(page: Page) {
  return page.evaluate(() => window.harness.state());
}

/** What the hub the tab is attached to does for its connection: `owner` or `relay`. */
export function roleOf(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => (await window.harness.inspect())?.role);
}

/** Everything the tab received, in order. */
export function messagesOf(page: Page) {
  return page.evaluate(() => window.harness.messages);
}

/** The tab's state history. */
export function statesOf(page: Page) {
  return page.evaluate(() => window.harness.states);
}

/** Waits until every tab reports `state`. */
export async function expectAll(tabs: Page[], state: string, timeout = 10_000): Promise<void> {
  for (const tab of tabs) await expect.poll(() => stateOf(tab), { timeout }).toBe(state);
}
