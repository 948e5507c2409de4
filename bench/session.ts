/**
 * Tabs of one variant in a browser context of their own: a fresh profile, so a fresh
 * SharedWorker, nothing shared with the variant before.
 *
 * The per-N figures use a RawContext (see cdp/raw-context.ts for why not Playwright pages).
 * The fault figures use Playwright pages, as the e2e suite does: they need `setOffline`, and
 * with one tab and a ping a second the instrumentation costs nothing there.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { RawContext, type RawTab } from './cdp/raw-context';
import { OPEN_WAIT_MS } from './config';
import type { PageConfig, VariantName } from './pages/api';

export interface Session {
  variant: VariantName;
  context: RawContext;
  tabs: RawTab[];
}

export async function openSession(
  browser: Browser,
  appUrl: string,
  variant: VariantName,
  tabCount: number,
  config: PageConfig,
): Promise<Session> {
  const context = await RawContext.create(browser);
  // All at once: it keeps the run short, and the heartbeat timeout of the per-N figures is
  // long enough for no socket to flap while ten pages load (`socketsOpened` would show it).
  const tabs = await Promise.all(
    Array.from({ length: tabCount }, async () => {
      const tab = await context.newTab(`${appUrl}${variant}.html`, 'window.bench', OPEN_WAIT_MS);
      await tab.evaluate(([config, wait]) => window.bench.start(config, wait), [
        config,
        OPEN_WAIT_MS,
      ] as const);
      return tab;
    }),
  );
  return { variant, context, tabs };
}

/** The first tab: the one that measures and whose heap is read. */
export function firstTab(session: Session): RawTab {
  const [tab] = session.tabs;
  if (!tab) throw new Error(`${session.variant}: a session without tabs`);
  return tab;
}

/** One Playwright tab of `variant` in a new context, connected with `config`. */
export async function openPlaywrightTab(
  browser: Browser,
  appUrl: string,
  variant: VariantName,
  config: PageConfig,
): Promise<{ context: BrowserContext; tab: Page }> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  tab.on('pageerror', (error) => console.error(`[${variant}] page error: ${error.message}`));
  await tab.goto(`${appUrl}${variant}.html`);
  await tab.evaluate(([config, wait]) => window.bench.start(config, wait), [
    config,
    OPEN_WAIT_MS,
  ] as const);
  return { context, tab };
}
