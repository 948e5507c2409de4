import type { Browser, BrowserContext, Page } from '@playwright/test';
import { TargetSession } from '../../bench/cdp/target-session';
import { sharedWorkers } from '../support/shared-workers';

interface ExceptionThrown {
  exceptionDetails: { text: string; exception?: { description?: string } };
}

/**
 * Every uncaught exception of `context`'s pages, and of the SharedWorkers whose script
 * comes from `origin`. A worker's exceptions are read once the test is done: V8 keeps those
 * thrown before a debugger attached, and hands them over when Runtime is enabled.
 */
export function watchExceptions(browser: Browser, context: BrowserContext, origin: string) {
  const pageErrors: string[] = [];
  const watch = (page: Page) => page.on('pageerror', (error) => pageErrors.push(error.message));
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return {
    async all(): Promise<string[]> {
      const workerErrors: string[] = [];
      const cdp = await browser.newBrowserCDPSession();
      try {
        for (const worker of await sharedWorkers(browser)) {
          if (!worker.url.startsWith(origin)) continue;
          const session = await TargetSession.attach(cdp, worker.targetId);
          session.on<ExceptionThrown>('Runtime.exceptionThrown', ({ exceptionDetails }) =>
            workerErrors.push(
              `${worker.url}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`,
            ),
          );
          await session.call('Runtime.enable');
          await session.detach();
        }
      } finally {
        await cdp.detach();
      }
      return [...pageErrors, ...workerErrors];
    },
  };
}
