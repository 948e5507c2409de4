import type { Page } from '@playwright/test';

type Sending = Window & { stopSending?: () => number; sendFailures?: string[] };

/** The tab sends `{ tab, n }` every `every` ms, n = 0, 1, 2…, until `stopSending`. */
export function startSending(page: Page, tab: number, every: number): Promise<void> {
  return page.evaluate(
    ([tab, every]) => {
      const sending = window as Sending;
      sending.sendFailures = [];
      let n = 0;
      const timer = setInterval(() => {
        const message = { tab, n: n++ };
        window.harness
          .send(message)
          .catch((error: Error) => sending.sendFailures?.push(`${message.n}: ${error.name}`));
      }, every);
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

/** The sends the tab saw fail (`n: ErrorName`). */
export function sendFailures(page: Page): Promise<string[] | undefined> {
  return page.evaluate(() => (window as Sending).sendFailures);
}

export function countBy<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
