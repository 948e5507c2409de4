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
import { OPEN_WAIT_MS, RELAY_VARIANTS } from './config';
import { pageUrl } from './hub-layout';
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
  const open = async (index: number) => {
    const tab = await context.newTab(pageUrl(appUrl, variant, index), 'window.bench', OPEN_WAIT_MS);
    await tab.evaluate(([config, wait]) => window.bench.start(config, wait), [
      config,
      OPEN_WAIT_MS,
    ] as const);
    return tab;
  };
  // All at once: it keeps the run short, and the heartbeat timeout of the per-N figures is
  // long enough for no socket to flap while ten pages load (`socketsOpened` would show it).
  // With several hubs, the first tab's hub takes the owner lock before the others start, so
  // that which tab relays is known.
  const first = RELAY_VARIANTS.includes(variant) ? [await open(0)] : [];
  const rest = await Promise.all(
    Array.from({ length: tabCount - first.length }, (_, i) => open(first.length + i)),
  );
  return { variant, context, tabs: [...first, ...rest] };
}

/** The first tab: the one whose heap is read, and that measures unless relays are measured. */
export function firstTab(session: Session): RawTab {
  const [tab] = session.tabs;
  if (!tab) throw new Error(`${session.variant}: a session without tabs`);
  return tab;
}

/**
 * The tab that times the round trips: the first, or with several hubs the second, which is
 * a relay's (the second build's with two builds) and so times the relay path; with one tab
 * there is only the owner.
 */
export function measuringTab(session: Session): RawTab {
  const relay = RELAY_VARIANTS.includes(session.variant) ? session.tabs[1] : undefined;
  return relay ?? firstTab(session);
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
