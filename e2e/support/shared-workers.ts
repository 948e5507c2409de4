import type { Browser } from '@playwright/test';

/** A SharedWorker as CDP lists it: `url` is its script's. */
export interface SharedWorkerTarget {
  targetId: string;
  url: string;
}

/** The browser's running SharedWorkers. */
export async function sharedWorkers(browser: Browser): Promise<SharedWorkerTarget[]> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    return targetInfos
      .filter((target) => target.type === 'shared_worker')
      .map(({ targetId, url }) => ({ targetId, url }));
  } finally {
    await cdp.detach();
  }
}

/**
 * Ends a SharedWorker with CDP `Target.closeTarget`, as devtools' "terminate", a crash or
 * the browser (memory pressure, the end of its extended lifetime) would; answers when, in
 * epoch ms.
 */
export async function killSharedWorker(browser: Browser, targetId: string): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const killedAt = Date.now();
    await cdp.send('Target.closeTarget', { targetId });
    return killedAt;
  } finally {
    await cdp.detach();
  }
}
