import type { Page } from '@playwright/test';
import type { TabSocketServer } from 'tabsocket/server';
import { expect, messagesOf } from './fixtures';

/** The server pushes `{ n }` to `user` every `every` ms, n = 0, 1, 2…, until stop(). */
export class NumberedStream {
  #pushed = 0;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(server: TabSocketServer, user: string, every: number) {
    this.#timer = setInterval(() => server.push(user, { n: this.#pushed++ }), every);
  }

  /** Pushes so far: the next one is numbered this. */
  get pushed(): number {
    return this.#pushed;
  }

  /** Stops; answers how many were pushed. Safe to call twice. */
  stop(): number {
    clearInterval(this.#timer);
    return this.#pushed;
  }
}

/** The push numbers a tab received, in order. */
export async function pushNumbers(page: Page): Promise<number[]> {
  return ((await messagesOf(page)) as Array<{ n?: number }>)
    .map((message) => message.n)
    .filter((n): n is number => typeof n === 'number');
}

/**
 * Waits until `page` got push `count - 1`, then checks it got 0 … count-1 once each, in
 * order: none lost, none twice. For a stream that started after the tab connected and has
 * stopped at `count`.
 */
export async function expectEveryPushOnce(page: Page, count: number, label = ''): Promise<void> {
  await expect
    .poll(async () => (await pushNumbers(page)).at(-1) ?? -1, { message: `${label} last push` })
    .toBeGreaterThanOrEqual(count - 1);
  const numbers = await pushNumbers(page);
  const report = `${label}: ${describeGaps(numbers, count)}`;
  expect(numbers, report).toEqual(Array.from({ length: count }, (_, n) => n));
}

/** Which of 0 … count-1 are missing and which came more than once, for failure messages. */
function describeGaps(numbers: number[], count: number): string {
  const times = new Map<number, number>();
  for (const n of numbers) times.set(n, (times.get(n) ?? 0) + 1);
  const missing = Array.from({ length: count }, (_, n) => n).filter((n) => !times.has(n));
  const twice = [...times].filter(([, seen]) => seen > 1).map(([n]) => n);
  return `${numbers.length} received, missing [${missing.join(',')}], more than once [${twice.join(',')}]`;
}
