/**
 * The package as apps bundle it (see global-setup.ts for each build, docs/bundlers.md for
 * the recipes): two tabs of the built page share one socket, a push reaches both, and
 * nothing goes wrong on the way: no `error` event, no exception in a page or the worker.
 * And a build that did not ship the worker fails fast, saying which url did not load.
 */
import { join } from 'node:path';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { createServer } from 'vite';
import { CountingServer } from '../support/counting-server';
import { startStaticServer } from '../support/static-server';
import { watchExceptions } from './exceptions';
import { type BuildName, DIST, FIXTURES, VITE_CACHE } from './fixtures';

/** What e2e/builds/fixtures/shared/record.js puts on the page. */
interface Recorded {
  states: string[];
  /** When each state came, in ms since connect(). */
  elapsed: number[];
  messages: unknown[];
  errors: Array<{ code: string; message: string }>;
  send(data: string): Promise<{ name: string; code: string; message: string } | null>;
}

declare global {
  interface Window {
    tabsocketPage?: Recorded;
  }
}

/**
 * A strict policy: scripts and workers from the page's origin only (no blob: or data:
 * workers, no eval), sockets to the test's server.
 */
const STRICT_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self' ws://127.0.0.1:*";

let server: CountingServer;
let app: { url: string; close(): Promise<void> };

async function serve(build: BuildName, headers: Record<string, string> = {}): Promise<void> {
  server = await CountingServer.start();
  app = await startStaticServer(join(DIST, build), headers);
}

test.afterEach(async () => {
  await app?.close();
  await server?.close();
});

async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${app.url}?ws=${encodeURIComponent(server.url)}`);
  return page;
}

function recorded(page: Page) {
  return page.evaluate(() => {
    const { states, elapsed, messages, errors } = window.tabsocketPage ?? {
      states: [],
      elapsed: [],
      messages: [],
      errors: [],
    };
    return { state: states.at(-1), states, elapsed, messages, errors };
  });
}

/** Two tabs → one socket, a push reaches both, a send reaches the server; nothing failed. */
async function twoTabsShareOneSocket(
  browser: Parameters<typeof watchExceptions>[0],
  context: BrowserContext,
) {
  const exceptions = watchExceptions(browser, context, app.url);
  const tabs = [await openTab(context), await openTab(context)];
  for (const tab of tabs) await expect.poll(async () => (await recorded(tab)).state).toBe('open');
  expect(server.opened).toBe(1);
  expect(server.open).toBe(1);
  server.push({ hello: 'both' });
  for (const tab of tabs) {
    await expect.poll(async () => (await recorded(tab)).messages).toEqual([{ hello: 'both' }]);
  }
  expect(await tabs[1]?.evaluate(() => window.tabsocketPage?.send('from the second tab'))).toBe(
    null,
  );
  await expect.poll(() => server.received).toContain('from the second tab');
  expect(await exceptions.all()).toEqual([]);
  for (const tab of tabs) expect((await recorded(tab)).errors).toEqual([]);
}

const WORKING: BuildName[] = [
  'vite',
  'webpack',
  'next-turbopack',
  'next-webpack',
  'esbuild',
  'rollup',
];

for (const build of WORKING) {
  test(`${build}: 2 tabs → 1 socket, a push reaches both, no error event, no exception`, async ({
    browser,
    context,
  }) => {
    await serve(build);
    await twoTabsShareOneSocket(browser, context);
  });
}

for (const build of ['vite', 'webpack', 'esbuild', 'rollup'] as const) {
  test(`${build}, under a strict Content-Security-Policy: 2 tabs → 1 socket, a push reaches both`, async ({
    browser,
    context,
  }) => {
    await serve(build, { 'content-security-policy': STRICT_CSP });
    await twoTabsShareOneSocket(browser, context);
  });
}

test('Vite dev server, no config: 2 tabs → 1 socket, a push reaches both', async ({
  browser,
  context,
}) => {
  server = await CountingServer.start();
  const vite = await createServer({
    root: FIXTURES,
    configFile: false,
    cacheDir: VITE_CACHE,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  await vite.listen();
  app = { url: vite.resolvedUrls?.local[0] ?? '', close: () => vite.close() };
  await twoTabsShareOneSocket(browser, context);
});

test('webpack, in a browser without SharedWorker: 2 tabs → 1 socket, a push reaches both', async ({
  browser,
  context,
}) => {
  await context.addInitScript(() => Reflect.deleteProperty(window, 'SharedWorker'));
  await serve('webpack');
  await twoTabsShareOneSocket(browser, context);
});

test('esbuild with no worker config: the handles fail within 5 s, send() rejects naming the worker url', async ({
  context,
}) => {
  await serve('esbuild-no-worker-config');
  const tabs = [await openTab(context), await openTab(context)];
  // Counted in the page from connect(): a loaded machine may take long to load the page.
  for (const tab of tabs) {
    await expect.poll(async () => (await recorded(tab)).state, { timeout: 15_000 }).toBe('failed');
    const { states, elapsed } = await recorded(tab);
    expect(states).toEqual(['idle', 'failed']);
    expect(elapsed[1]).toBeLessThan(5_000);
    test.info().annotations.push({ type: 'failed after', description: `${elapsed[1]} ms` });
  }
  const workerUrl = `${app.url}shared-worker.js`;
  for (const tab of tabs) {
    const { errors } = await recorded(tab);
    expect(errors).toEqual([
      {
        code: 'TS_ERR_WORKER',
        message: expect.stringContaining(`worker script ${workerUrl} did not load`),
      },
    ]);
    const refusal = await tab.evaluate(() => window.tabsocketPage?.send('never'));
    expect(refusal).toMatchObject({ name: 'WorkerError', code: 'TS_ERR_WORKER' });
    expect(refusal?.message).toContain(workerUrl);
    expect(refusal?.message).toContain('docs/bundlers.md');
  }
  expect(server.opened).toBe(0);
});
