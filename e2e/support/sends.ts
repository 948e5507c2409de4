import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** What a tab sends: its index in the test and a number counting up from 0. */
export interface NumberedSend {
  tab: number;
  n: number;
}

type Sending = Window & {
  /** Stops; answers how many sends were made. */
  stopSending?: () => number;
  /** Sends `count` more at once, so that some are in flight when something breaks. */
  burst?: (count: number) => void;
  outcomes?: Array<{ n: number; outcome: string }>;
};

/** Sends `{ tab, n }` every `every` ms and records how each send settled ('ok' or its code). */
export function startSending(page: Page, tab: number, every: number): Promise<void> {
  return page.evaluate(
    ([tab, every]) => {
      const sending = window as Sending;
      sending.outcomes = [];
      let n = 0;
      const sendOne = () => {
        const message = { tab, n: n++ };
        window.harness.send(message).then(
          () => sending.outcomes?.push({ n: message.n, outcome: 'ok' }),
          (error: { code?: string }) =>
            sending.outcomes?.push({ n: message.n, outcome: error.code ?? 'untyped' }),
        );
      };
      const timer = setInterval(sendOne, every);
      sending.burst = (count) => {
        for (let i = 0; i < count; i++) sendOne();
      };
      sending.stopSending = () => {
        clearInterval(timer);
        return n;
      };
    },
    [tab, every] as const,
  );
}

/** Stops the tab's sending; answers how many messages it sent. */
export function stopSending(page: Page): Promise<number> {
  return page.evaluate(() => (window as Sending).stopSending?.() ?? 0);
}

/** The sends the tab saw fail so far (`n: code`). */
export function sendFailures(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    ((window as Sending).outcomes ?? [])
      .filter(({ outcome }) => outcome !== 'ok')
      .map(({ n, outcome }) => `${n}: ${outcome}`),
  );
}

/** Sends `count` more from `page` at once (after startSending). */
export function burst(page: Page, count: number): Promise<void> {
  return page.evaluate((count) => (window as Sending).burst?.(count), count);
}

/**
 * Stops the sending of `tabs` (indexed as given to startSending) and checks that every send
 * settled once: resolved ones reached the server once; rejected ones carry `rejectedWith`
 * and never reached it (a rejection means "not delivered"). Answers the outcomes' counts.
 */
export async function checkSends(
  tabs: ReadonlyMap<number, Page>,
  received: () => NumberedSend[],
  rejectedWith = 'TS_ERR_WORKER',
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [tab, page] of tabs) {
    const sent = await stopSending(page);
    // No send hangs: each settles, one way or the other.
    await expect
      .poll(() => page.evaluate(() => (window as Sending).outcomes?.length ?? 0))
      .toBe(sent);
    const outcomes = await page.evaluate(() => (window as Sending).outcomes ?? []);
    expect(outcomes).toHaveLength(sent);
    const ns = outcomes.map(({ n }) => n);
    expect(new Set(ns).size).toBe(ns.length);
    for (const { n, outcome } of outcomes) {
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      const times = () =>
        received().filter((message) => message.tab === tab && message.n === n).length;
      // Written is not yet read: the server may still be reading the last ones.
      if (outcome === 'ok') await expect.poll(times, { message: `tab ${tab} send ${n}` }).toBe(1);
      else {
        expect(outcome, `tab ${tab} send ${n}`).toBe(rejectedWith);
        expect(times(), `tab ${tab} send ${n}`).toBe(0);
      }
    }
  }
  return counts;
}

/** How many `{ tab, n }` the server got more than once. */
export function duplicateSends(received: NumberedSend[]): number {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const { tab, n } of received) {
    const key = `${tab}:${n}`;
    if (seen.has(key)) duplicates += 1;
    seen.add(key);
  }
  return duplicates;
}

export function countBy<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** `{ ok: 12, TS_ERR_WORKER: 3 }` as "12 ok, 3 TS_ERR_WORKER", for the figures. */
export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
}
