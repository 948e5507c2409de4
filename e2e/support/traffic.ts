import type { Page } from '@playwright/test';
import type { TabSocketServer } from 'tabsocket/server';
import { expect } from './fixtures';
import { expectEveryPushOnce, NumberedStream } from './pushes';
import { checkSends, duplicateSends, type NumberedSend, startSending } from './sends';

/**
 * Numbered traffic both ways with the reference server: it pushes `{ n }` to `user` every
 * `pushEvery` ms, and each sending tab sends `{ tab, n }` every `sendEvery` ms, so that a
 * test can tell what was lost or came twice across whatever it breaks meanwhile.
 */
export class NumberedTraffic {
  /** What the server received, in order. */
  readonly received: NumberedSend[] = [];
  readonly #stream: NumberedStream;
  readonly #senders: Map<number, Page>;

  private constructor(server: TabSocketServer, user: string, senders: Page[], pushEvery: number) {
    server.on('message', (_client, data) => this.received.push(data as NumberedSend));
    this.#stream = new NumberedStream(server, user, pushEvery);
    this.#senders = new Map(senders.entries());
  }

  /** Starts; the caller stops it (`stop()` in a `finally`, `stopAndCheck()` on success). */
  static async start(
    server: TabSocketServer,
    user: string,
    senders: Page[],
    { pushEvery = 20, sendEvery = 50 } = {},
  ): Promise<NumberedTraffic> {
    const traffic = new NumberedTraffic(server, user, senders, pushEvery);
    try {
      await Promise.all(senders.map((tab, index) => startSending(tab, index, sendEvery)));
    } catch (error) {
      traffic.stop();
      throw error;
    }
    return traffic;
  }

  /**
   * Traffic among `tabs` for `pushes` pushes, then stopAndCheck over them all, for a
   * connection nothing disturbs: every send must be acked. Answers the pushes and sends made.
   */
  static async exchange(
    server: TabSocketServer,
    user: string,
    tabs: Page[],
    pushes: number,
  ): Promise<{ pushed: number; sent: number }> {
    const traffic = await NumberedTraffic.start(server, user, tabs);
    try {
      await traffic.pushMore(pushes);
      const counts = await traffic.stopAndCheck(tabs);
      expect(Object.keys(counts)).toEqual(['ok']);
      return { pushed: traffic.pushed, sent: counts.ok ?? 0 };
    } finally {
      traffic.stop();
    }
  }

  /** Pushes so far. */
  get pushed(): number {
    return this.#stream.pushed;
  }

  /** Waits until `count` more pushes went out. */
  async pushMore(count: number): Promise<void> {
    const from = this.pushed;
    await expect.poll(() => this.pushed).toBeGreaterThanOrEqual(from + count);
  }

  /** Stops pushing (the tabs' sending stops in stopAndCheck). */
  stop(): void {
    this.#stream.stop();
  }

  /**
   * Stops, then checks: each of `readers` got every push once, in order, and no `resync`;
   * every send of the senders settled once (acked: reached the server once; rejected: with
   * its code, at most once) and none reached it twice. Answers the send outcomes' counts.
   */
  async stopAndCheck(readers: Page[]): Promise<Record<string, number>> {
    this.stop();
    const counts = await checkSends(this.#senders, () => this.received);
    expect(duplicateSends(this.received)).toBe(0);
    for (const [index, tab] of readers.entries()) {
      await expectEveryPushOnce(tab, this.pushed, `tab ${index}`);
      expect(await tab.evaluate(() => window.harness.resyncs), `tab ${index} resyncs`).toBe(0);
    }
    return counts;
  }
}
