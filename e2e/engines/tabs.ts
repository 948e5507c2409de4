/**
 * Short reads and writes of the test page's harness (e2e/app/main.ts), the same in every
 * engine: each is one `evaluate` of a small function.
 */
import { expect } from '@playwright/test';
import type { ConnectionState, ConnectOptions } from 'tabsocket';
import type { Tab } from './drivers/driver';

/** Waits for the page's harness, then connects with `options`. */
export async function connectTab(tab: Tab, options: ConnectOptions): Promise<void> {
  await tab.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const check = () => (window.harness ? resolve() : setTimeout(check, 10));
        check();
      }),
  );
  await tab.evaluate((opts) => window.harness.open(opts), options);
}

export function stateOf(tab: Tab): Promise<ConnectionState> {
  return tab.evaluate(() => window.harness.state());
}

/** Everything the tab received, in order. */
export function messagesOf(tab: Tab): Promise<unknown[]> {
  return tab.evaluate(() => window.harness.messages);
}

/** How many tabs the worker counts as attached. */
export function attachedTabs(tab: Tab): Promise<number> {
  return tab.evaluate(async () => (await window.harness.inspect())?.tabs.length ?? 0);
}

/** The tab's clock, which stamps its state events. */
export function nowIn(tab: Tab): Promise<number> {
  return tab.evaluate(() => performance.now());
}

export interface Seen {
  /** Matches the event's state or its reason. */
  state?: ConnectionState;
  reason?: string;
  /** Only events at or after this time of the tab's clock. */
  since?: number;
}

/** When the tab first saw a state event matching `what` (its own clock), or null. */
export function seen(tab: Tab, what: Seen): Promise<number | null> {
  return tab.evaluate(
    ({ state, reason, since }) =>
      window.harness.states.find(
        (event) =>
          (state === undefined || event.state === state) &&
          (reason === undefined || event.detail.reason === reason) &&
          event.at >= (since ?? 0),
      )?.at ?? null,
    what,
  );
}

/** How many state events matching `what` the tab saw. */
export function countSeen(tab: Tab, what: Seen): Promise<number> {
  return tab.evaluate(
    ({ state, reason, since }) =>
      window.harness.states.filter(
        (event) =>
          (state === undefined || event.state === state) &&
          (reason === undefined || event.detail.reason === reason) &&
          event.at >= (since ?? 0),
      ).length,
    what,
  );
}

/** The reason of the first state event the tab saw since its page loaded. */
export function firstReason(tab: Tab): Promise<string | undefined> {
  return tab.evaluate(() => window.harness.states[0]?.detail.reason);
}

/** Waits until every tab reports `state`. */
export async function expectAll(tabs: Tab[], state: ConnectionState, timeout = 10_000) {
  for (const tab of tabs) await expect.poll(() => stateOf(tab), { timeout }).toBe(state);
}

type Sending = Window & { stopSending?: () => number; sendFailures?: string[] };

/** The tab sends `{ tab, n }` every `every` ms, n = 0, 1, 2…, until `stopSending`. */
export function startSending(tab: Tab, index: number, every: number): Promise<void> {
  return tab.evaluate(
    ({ index, every }) => {
      const page = window as Sending;
      page.sendFailures = [];
      let n = 0;
      const timer = setInterval(() => {
        const message = { tab: index, n: n++ };
        window.harness
          .send(message)
          .catch((error: Error) => page.sendFailures?.push(`${message.n}: ${error.name}`));
      }, every);
      page.stopSending = () => {
        clearInterval(timer);
        return n;
      };
    },
    { index, every },
  );
}

/** Stops the tab's `startSending`; answers how many it sent. */
export function stopSending(tab: Tab): Promise<number> {
  return tab.evaluate(() => (window as Sending).stopSending?.() ?? 0);
}

/** The rejections of the tab's `startSending` sends, as `n: name`. */
export function sendFailures(tab: Tab): Promise<string[] | undefined> {
  return tab.evaluate(() => (window as Sending).sendFailures);
}

/** The `n` of every push the tab heard, in order. */
export async function pushNumbers(tab: Tab): Promise<number[]> {
  return ((await messagesOf(tab)) as Array<{ n?: number }>)
    .map((message) => message.n)
    .filter((n): n is number => typeof n === 'number');
}
