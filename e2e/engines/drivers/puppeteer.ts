/**
 * Chromium (over CDP) and Firefox (over WebDriver BiDi) through puppeteer-core: one client,
 * two protocols, and it never downloads a browser. Each session is a browser context (in
 * Firefox, a BiDi user context): its own cookies, storage, SharedWorkers and Web Locks.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { BrowserSession, EngineDriver, EngineName, Tab } from './driver';

export interface PuppeteerEngineOptions {
  engine: Extract<EngineName, 'chromium' | 'firefox'>;
  executablePath: string;
  args?: string[];
}

export async function launchPuppeteer(options: PuppeteerEngineOptions): Promise<EngineDriver> {
  const browser = await puppeteer.launch({
    browser: options.engine === 'firefox' ? 'firefox' : 'chrome',
    executablePath: options.executablePath,
    headless: true,
    args: options.args ?? [],
  });
  return {
    engine: options.engine,
    version: await browser.version(),
    newSession: () => newSession(browser, options.engine),
    close: () => browser.close(),
  };
}

async function newSession(browser: Browser, engine: EngineName): Promise<BrowserSession> {
  const context = await browser.createBrowserContext();
  return {
    async openTab(url) {
      const page = await context.newPage();
      await page.goto(url);
      return tabOf(page, engine);
    },
    close: () => context.close(),
  };
}

function tabOf(page: Page, engine: EngineName): Tab {
  const tab: Tab = {
    evaluate: <R, A>(fn: (arg: A) => R, arg?: A) =>
      page.evaluate(fn as (arg: unknown) => R, arg) as Promise<Awaited<R>>,
    goto: async (url) => {
      await page.goto(url);
    },
    reload: async () => {
      await page.reload();
    },
    close: () => page.close(),
  };
  if (engine === 'chromium') {
    // The renderer dies without pagehide. (CDP's Page.crash is an alternative; this URL is
    // what a user could type.) The navigation itself fails, as the page is gone.
    tab.crash = async () => {
      await page.goto('chrome://crash').catch(() => {});
    };
  }
  return tab;
}
