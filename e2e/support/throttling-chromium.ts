import { type BrowserContext, chromium } from '@playwright/test';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from './chromium';

/** The flags with which Playwright and puppeteer keep background pages unthrottled. */
const NO_THROTTLING_ARGS = [
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
];

export interface ThrottlingChromium {
  /** The browser's default context: pages that are not in front are `hidden`. */
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A Chromium that treats a page not in front as a user's Chrome treats a background tab:
 * hidden, its main thread's timers throttled, and after `graceSeconds` hidden throttled
 * "intensively" to one wake-up a minute (Chrome waits 5 minutes; the feature's parameter
 * shortens that so a test can see it).
 *
 * Playwright's own launch cannot do this: it keeps every page visible (focus emulation on
 * each page it opens). So puppeteer-core launches the browser, and Playwright attaches to it
 * with `noDefaults`, which leaves the default context's pages as the browser has them.
 */
export async function launchThrottlingChromium(graceSeconds: number): Promise<ThrottlingChromium> {
  const launched = await puppeteer.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      `--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/${graceSeconds}`,
    ],
    ignoreDefaultArgs: NO_THROTTLING_ARGS,
  });
  try {
    const browser = await chromium.connectOverCDP(launched.wsEndpoint(), { noDefaults: true });
    const [context] = browser.contexts();
    if (!context) throw new Error('the attached browser has no default context');
    return {
      context,
      close: async () => {
        await browser.close();
        await launched.close();
      },
    };
  } catch (error) {
    await launched.close();
    throw error;
  }
}
