/**
 * Issue 20, items 1 and 2: one tab's message or topic over the server's limits is refused
 * to that tab at once, with a typed error, and never reaches the server: the connection of
 * every tab goes on. Against the reference server, whose hello tells its limits.
 */
import type { Page } from '@playwright/test';
import { expect, expectAll, messagesOf, test } from './support/fixtures';

/** Sends `make()`'s value (built in the page) and answers how it settled, and how fast. */
function timedSend(tab: Page, kind: 'two-mb' | 'quotes' | 'small') {
  return tab.evaluate(async (which) => {
    const data =
      which === 'two-mb'
        ? 'x'.repeat(2 * 1024 * 1024)
        : which === 'quotes'
          ? '"'.repeat(600_000)
          : 'small';
    const start = performance.now();
    try {
      await window.harness.send(data);
      return { ok: true, code: '', ms: performance.now() - start };
    } catch (error) {
      return {
        ok: false,
        code: (error as { code?: string }).code ?? '',
        ms: performance.now() - start,
      };
    }
  }, kind);
}

test.describe('limits', () => {
  test('a 2 MB send and a 600,000-quote send reject at once, typed; the connection goes on for both tabs', async ({
    context,
    referenceServer,
    openTabs,
  }) => {
    const { server } = referenceServer;
    const received: string[] = [];
    server.on('message', (_client, _data, text) => received.push(text ?? '<binary>'));
    const url = referenceServer.urlFor('ann');
    const tabs = await openTabs(context, 2, { url });
    const [careless, other] = tabs as [Page, Page];
    await expect
      .poll(async () => (await careless.evaluate(() => window.harness.inspect()))?.limits)
      .toEqual({ maxPayload: 1024 * 1024, maxTopics: 1_024, maxTopicLength: 256 });

    const twoMb = await timedSend(careless, 'two-mb');
    const quotes = await timedSend(careless, 'quotes');
    const small = await timedSend(careless, 'small');
    console.log(
      `limits e2e: 2 MB send rejected in ${twoMb.ms.toFixed(1)} ms, 600,000 quotes in ${quotes.ms.toFixed(1)} ms, small send acked in ${small.ms.toFixed(1)} ms`,
    );
    expect(twoMb).toMatchObject({ ok: false, code: 'TS_ERR_TOO_LARGE' });
    expect(quotes).toMatchObject({ ok: false, code: 'TS_ERR_TOO_LARGE' });
    expect(twoMb.ms).toBeLessThan(1_000);
    expect(quotes.ms).toBeLessThan(1_000);
    expect(small.ok).toBe(true);
    expect(received).toEqual(['small']);

    expect(
      await Promise.all(tabs.map((tab) => tab.evaluate(() => window.harness.state()))),
    ).toEqual(['open', 'open']);
    server.push('ann', { after: true });
    for (const tab of tabs) await expect.poll(() => messagesOf(tab)).toEqual([{ after: true }]);
    const snapshot = await other.evaluate(() => window.harness.inspect());
    // One socket all along: no close 1009, no reconnect.
    expect(snapshot?.generation).toBe(1);
    expect(server.stats().malformedFrames).toBe(0);
  });

  test('a 257-character topic is refused by subscribe(); 100 cycles later both tabs are open and a publish arrives', async ({
    context,
    referenceServer,
    openTabs,
  }) => {
    const { server } = referenceServer;
    const tabs = await openTabs(context, 2, { url: referenceServer.urlFor('bob') });
    const [careless, other] = tabs as [Page, Page];

    const refused = await careless.evaluate(() => window.harness.subscribe('x'.repeat(257)));
    expect(refused).toMatchObject({ name: 'TooLargeError', code: 'TS_ERR_TOO_LARGE' });

    const cycles = await careless.evaluate(() => {
      const start = performance.now();
      let refusals = 0;
      for (let cycle = 0; cycle < 100; cycle++) {
        if (window.harness.subscribe('y'.repeat(300))) refusals += 1;
        window.harness.subscribe(`cycle-${cycle}`);
        window.harness.unsubscribe(`cycle-${cycle}`);
      }
      return { refusals, ms: performance.now() - start };
    });
    expect(cycles.refusals).toBe(100);

    for (const tab of tabs) await tab.evaluate(() => window.harness.subscribe('good'));
    // 1,100 topics more in one tab: past the server's 1,024, the worker refuses the rest to it.
    await careless.evaluate(() => {
      for (let index = 0; index < 1_100; index++) window.harness.subscribe(`many-${index}`);
    });
    await expect
      .poll(() => careless.evaluate(() => window.harness.errors.map((error) => error.code)))
      .toContain('TS_ERR_TOO_LARGE');
    expect(await other.evaluate(() => window.harness.errors)).toEqual([]);

    await expect
      .poll(() => server.publish('good', { topic: 'good', n: 1 }), { timeout: 5_000 })
      .toBeGreaterThan(0);
    for (const tab of tabs) {
      await expect
        .poll(() => tab.evaluate(() => window.harness.topics.good?.length ?? 0))
        .toBeGreaterThan(0);
    }
    await expectAll(tabs, 'open');
    const errors = await careless.evaluate(() => window.harness.errors);
    console.log(
      `limits e2e: 100 refused subscribe() + 100 cycles in ${cycles.ms.toFixed(1)} ms; ${errors.length} error events for the topics past 1,024; server refusals ${server.stats().malformedFrames}`,
    );
    expect(server.stats().malformedFrames).toBe(0);
    expect((await careless.evaluate(() => window.harness.inspect()))?.generation).toBe(1);
  });
});
