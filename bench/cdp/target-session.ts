/**
 * A CDP session with one target (a page or a SharedWorker), carried over the browser
 * session that Playwright hands out. Non-flat: commands travel wrapped in
 * `Target.sendMessageToTarget` and answers come back as `Target.receivedMessageFromTarget`,
 * because Playwright's CDPSession cannot address a flat child session.
 */
import type { CDPSession } from '@playwright/test';

interface Answer {
  id?: number;
  result?: unknown;
  error?: { message?: string };
}

export class TargetSession {
  #nextId = 0;
  readonly #waiting = new Map<number, (answer: Answer) => void>();

  private constructor(
    private readonly browser: CDPSession,
    private readonly sessionId: string,
  ) {
    browser.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== sessionId) return;
      const answer = JSON.parse(event.message) as Answer;
      if (answer.id !== undefined) this.#waiting.get(answer.id)?.(answer);
    });
  }

  static async attach(browser: CDPSession, targetId: string): Promise<TargetSession> {
    const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: false });
    return new TargetSession(browser, sessionId);
  }

  /** Sends a command; rejects with its error, or after `waitMs` (a crashed tab never answers). */
  call(method: string, params: Record<string, unknown> = {}, waitMs = 60_000): Promise<unknown> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`${method}: no answer within ${waitMs} ms`));
      }, waitMs);
      this.#waiting.set(id, (answer) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        if (answer.error) reject(new Error(`${method}: ${answer.error.message ?? 'failed'}`));
        else resolve(answer.result);
      });
      const message = JSON.stringify({ id, method, params });
      this.browser
        .send('Target.sendMessageToTarget', { sessionId: this.sessionId, message })
        .catch(reject);
    });
  }

  async detach(): Promise<void> {
    await this.browser
      .send('Target.detachFromTarget', { sessionId: this.sessionId })
      .catch(() => {});
  }
}
