/**
 * A browser context that Playwright does not instrument. Playwright enables the Network
 * domain on every page it knows and so receives every WebSocket frame a page gets (with its
 * payload) in this Node process, but never a SharedWorker's: measured through Playwright
 * pages, the per-tab variants would pay for that and tabsocket would not. Contexts created
 * here over CDP are unknown to Playwright, which detaches from their targets at once, and
 * the bench enables no domain on them: the tabs run as they would for a user.
 */

import { setTimeout as delay } from 'node:timers/promises';
import type { Browser, CDPSession } from '@playwright/test';
import { TargetSession } from './target-session';

export class RawContext {
  private constructor(
    private readonly browser: CDPSession,
    readonly browserContextId: string,
  ) {}

  static async create(browser: Browser): Promise<RawContext> {
    const session = await browser.newBrowserCDPSession();
    const { browserContextId } = await session.send('Target.createBrowserContext', {});
    return new RawContext(session, browserContextId);
  }

  /** Opens `url` in a new tab and waits (at most `waitMs`) until `ready` holds in it. */
  async newTab(url: string, ready: string, waitMs: number): Promise<RawTab> {
    const { targetId } = await this.browser.send('Target.createTarget', {
      url,
      browserContextId: this.browserContextId,
    });
    const tab = new RawTab(await TargetSession.attach(this.browser, targetId));
    const until = performance.now() + waitMs;
    while (!(await tab.evaluateExpression(`Boolean(${ready})`).catch(() => false))) {
      if (performance.now() > until) throw new Error(`${url}: not ready after ${waitMs} ms`);
      await delay(20);
    }
    return tab;
  }

  /** The SharedWorker targets running in this context. */
  async sharedWorkers(): Promise<TargetSession[]> {
    const { targetInfos } = await this.browser.send('Target.getTargets');
    const workers = targetInfos.filter(
      (target) =>
        target.type === 'shared_worker' && target.browserContextId === this.browserContextId,
    );
    return Promise.all(
      workers.map((worker) => TargetSession.attach(this.browser, worker.targetId)),
    );
  }

  async close(): Promise<void> {
    await this.browser.send('Target.disposeBrowserContext', {
      browserContextId: this.browserContextId,
    });
    await this.browser.detach();
  }
}

interface AttachedToTarget {
  sessionId: string;
  targetInfo: { type: string };
}

interface Evaluated {
  result?: { value?: unknown };
  exceptionDetails?: { text?: string; exception?: { description?: string } };
}

/** A tab of a RawContext: `evaluate` as Playwright's, over Runtime.evaluate. */
export class RawTab {
  constructor(readonly session: TargetSession) {}

  /**
   * The page's dedicated workers. They do not answer a session attached from the browser,
   * only one the page's own session auto-attaches, which reports the running ones before
   * it answers `setAutoAttach`. Turning auto-attach off again would end those sessions: it
   * stays on, which the bench calls last, before the context goes.
   */
  async dedicatedWorkers(): Promise<TargetSession[]> {
    const sessionIds: string[] = [];
    this.session.on<AttachedToTarget>('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
      if (targetInfo.type === 'worker') sessionIds.push(sessionId);
    });
    await this.session.call('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    return sessionIds.map((sessionId) => this.session.child(sessionId));
  }

  /** Runs `fn(arg)` in the page; `fn` must not close over anything, as with Playwright. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    const argument = arg === undefined ? '' : JSON.stringify(arg);
    return this.evaluateExpression(`(${fn.toString()})(${argument})`) as Promise<R>;
  }

  async evaluateExpression(expression: string): Promise<unknown> {
    const evaluated = (await this.session.call('Runtime.evaluate', {
      expression,
      awaitPromise: true,
      returnByValue: true,
    })) as Evaluated;
    const failure = evaluated.exceptionDetails;
    if (failure) throw new Error(failure.exception?.description ?? failure.text ?? 'failed');
    return evaluated.result?.value;
  }
}
