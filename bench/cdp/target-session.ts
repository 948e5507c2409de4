/**
 * A CDP session with one target (a page or a worker), carried over a parent session: the
 * browser session that Playwright hands out, or another TargetSession (a page's dedicated
 * workers are reached through the page). Non-flat: commands travel wrapped in
 * `Target.sendMessageToTarget` and answers and events come back as
 * `Target.receivedMessageFromTarget`, because Playwright's CDPSession cannot address a flat
 * child session.
 */
import type { CDPSession } from '@playwright/test';

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message?: string };
}

interface Received {
  sessionId: string;
  message: string;
}

/** What a TargetSession needs of its parent: Playwright's CDPSession and TargetSession both fit. */
export interface CdpParent {
  send(method: 'Target.sendMessageToTarget', params: Received): Promise<unknown>;
  on(event: 'Target.receivedMessageFromTarget', listener: (event: Received) => void): unknown;
}

export class TargetSession implements CdpParent {
  #nextId = 0;
  readonly #waiting = new Map<number, (answer: Message) => void>();
  readonly #listeners = new Map<string, Array<(params: never) => void>>();

  private constructor(
    private readonly parent: CdpParent,
    readonly sessionId: string,
    private readonly detachFromParent: () => Promise<unknown>,
  ) {
    parent.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== sessionId) return;
      const message = JSON.parse(event.message) as Message;
      if (message.id !== undefined) this.#waiting.get(message.id)?.(message);
      else if (message.method) {
        for (const listener of this.#listeners.get(message.method) ?? []) {
          listener(message.params as never);
        }
      }
    });
  }

  static async attach(browser: CDPSession, targetId: string): Promise<TargetSession> {
    const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: false });
    return new TargetSession(browser, sessionId, () =>
      browser.send('Target.detachFromTarget', { sessionId }),
    );
  }

  /** A session with a target this one was told of (`Target.attachedToTarget`). */
  child(sessionId: string): TargetSession {
    return new TargetSession(this, sessionId, () =>
      this.call('Target.detachFromTarget', { sessionId }),
    );
  }

  /** Sends a command; rejects with its error, or after `waitMs` (a crashed tab never answers). */
  call(method: string, params: object = {}, waitMs = 60_000): Promise<unknown> {
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
      this.parent
        .send('Target.sendMessageToTarget', { sessionId: this.sessionId, message })
        .catch(reject);
    });
  }

  send(method: string, params: object): Promise<unknown> {
    return this.call(method, params);
  }

  on<P>(method: string, listener: (params: P) => void): void {
    const listeners = this.#listeners.get(method) ?? [];
    listeners.push(listener as (params: never) => void);
    this.#listeners.set(method, listeners);
  }

  async detach(): Promise<void> {
    await this.detachFromParent().catch(() => {});
  }
}
