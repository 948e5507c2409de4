import { join } from 'node:path';
import { type BrowserContext, test as base, expect, type Page } from '@playwright/test';
import type { ConnectOptions } from 'tabsocket';
import { CountingServer } from './counting-server';
import { type StaticServer, startStaticServer } from './static-server';

export { expect };

interface Fixtures {
  app: StaticServer;
  server: CountingServer;
  /** Opens a tab of the test app in `context` and connects it with `options`. */
  openTab(context: BrowserContext, options: ConnectOptions): Promise<Page>;
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
  app: async ({}, use) => {
    const app = await startStaticServer(join(import.meta.dirname, '..', 'app', 'dist'));
    await use(app);
    await app.close();
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
  server: async ({}, use) => {
    const server = await CountingServer.start();
    await use(server);
    await server.close();
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
