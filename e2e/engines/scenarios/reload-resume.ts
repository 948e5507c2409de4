import { expect } from '../fixtures';
import { connectTab, expectAll, messagesOf } from '../tabs';
import type { Scenario } from './scenario';

const PUSH_EVERY_MS = 20;

/** The numbers of the pushes the page got, in order. */
async function pushNumbers(tab: Parameters<typeof messagesOf>[0]): Promise<number[]> {
  return ((await messagesOf(tab)) as Array<{ n?: number }>)
    .map((message) => message.n)
    .filter((n): n is number => typeof n === 'number');
}

/**
 * Issue 11, item 7: reloading the only tab, with the reference server pushing. The page
 * keeps the session's cursor in sessionStorage at pagehide and hands it over when it
 * connects again. Where the worker ends with its last page, the new worker resumes the
 * session on its new socket; where it outlives the page (Chromium), it hands the page the
 * pushes that arrived meanwhile. Either way every push reaches the page once.
 */
export const reloadResume: Scenario = {
  title: (traits) =>
    traits.workerOutlivesReload
      ? 'reloading the only tab while pushes stream: the worker keeps the socket and hands the page the pushes it missed; every push once, none lost'
      : 'reloading the only tab while pushes stream: the new worker resumes the session on a new socket; every push once, none lost',
  timeout: 60_000,
  async run(ctx) {
    const { server, urlFor } = await ctx.referenceServer();
    const options = { url: urlFor('alice'), gracePeriod: 5_000 };
    const tab = await ctx.openTab(options);
    await expectAll([tab], 'open');
    let pushed = 0;
    const stream = setInterval(() => server.push('alice', { n: pushed++ }), PUSH_EVERY_MS);
    try {
      await expect.poll(async () => (await pushNumbers(tab)).length).toBeGreaterThan(10);
      // What the old page got, as it goes: the new page compares against it.
      await tab.evaluate(() =>
        addEventListener('pagehide', () =>
          sessionStorage.setItem('e2e:before-reload', JSON.stringify(window.harness.messages)),
        ),
      );
      await tab.reload();
      await connectTab(tab, options);
      await expectAll([tab], 'open');
      const reopenedAt = pushed;
      await expect
        .poll(async () => Math.max(-1, ...(await pushNumbers(tab))))
        .toBeGreaterThanOrEqual(reopenedAt + 5);
    } finally {
      clearInterval(stream);
    }
    const saved = await tab.evaluate(() => sessionStorage.getItem('e2e:before-reload') ?? '[]');
    const before = (JSON.parse(saved) as Array<{ n: number }>).map((message) => message.n);
    const after = await pushNumbers(tab);
    expect(before.length).toBeGreaterThan(10);
    const seen = [...before, ...after];
    // Never twice, in order, across the two pages.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    const gap = (after[0] ?? 0) - (before.at(-1) ?? 0) - 1;
    // Nothing lost between the pages, and no resync.
    expect(gap).toBe(0);
    expect(after).toEqual(Array.from({ length: after.length }, (_, i) => (after[0] ?? 0) + i));
    expect(await tab.evaluate(() => window.harness.resyncs)).toBe(0);
    ctx.figure(
      `reload of the only tab while pushing every ${PUSH_EVERY_MS} ms: ${before.length} pushes before, ${after.length} after, ${gap} missed in between, 0 twice`,
    );
  },
};
