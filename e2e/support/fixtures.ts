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
  /** Opens a tab of the test app in `context` and connects it with `options`. */
  openTab(context: BrowserContext, options: ConnectOptions): Promise<Page>;
}

export type { ReferenceServer };

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
    await use(async (context, options) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await page.waitForFunction(() => window.harness !== undefined);
      await page.evaluate((opts) => window.harness.open(opts), options);
      return page;
    });
  },
});

/** The tab's connection state, for `expect.poll`. */
export function stateOf(page: Page) {
  return page.evaluate(() => window.harness.state());
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
