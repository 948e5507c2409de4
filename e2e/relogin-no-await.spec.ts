/**
 * The app's own mistakes (issue 20). Re-login without `await`: `close()` then `connect()`
 * with the same url in the same tick, 3 rounds, alternating between 2 tabs: the handle the
 * tab replaced is retired, so each push reaches each tab exactly once, on one socket (before,
 * the old handle went `closed`, `connecting`, `open` and every push arrived twice). And a
 * worker that starts but never answers: the handles go `failed` (`worker-silent`) and every
 * pending call rejects, within 10 s (before, they all waited forever, `idle`).
 */
import type { Page } from '@playwright/test';
import { expect, expectAll, messagesOf, test } from './support/fixtures';

const ROUNDS = 3;
const PUSHES_PER_ROUND = 5;

test('close() + connect(same url) without await, 3 rounds, 2 tabs: each push exactly once per tab, 1 socket', async ({
  context,
  referenceServer,
  openTabs,
}) => {
  const { server, urlFor } = referenceServer;
  const url = urlFor('alice');
  const tabs = await openTabs(context, 2, { url });
  let seq = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const actor = tabs[round % tabs.length] as Page;
    await actor.evaluate((options) => window.harness.relogin(options), { url });
    await expectAll(tabs, 'open');
    await expect.poll(() => server.stats().openSockets).toBe(1);
    for (let i = 0; i < PUSHES_PER_ROUND; i++) {
      seq += 1;
      expect(server.push('alice', { seq })).toBe(1);
    }
    for (const tab of tabs) {
      await expect.poll(async () => (await messagesOf(tab)).length).toBe(seq);
    }
  }
  // One more push, in order after the others: once it arrived, a doubled one would have too.
  seq += 1;
  expect(server.push('alice', { seq })).toBe(1);
  for (const tab of tabs) {
    await expect.poll(async () => (await messagesOf(tab)).at(-1)).toEqual({ seq });
  }
  for (const tab of tabs) {
    const seqs = ((await messagesOf(tab)) as Array<{ seq: number }>).map((push) => push.seq);
    expect(seqs).toEqual(Array.from({ length: seq }, (_, index) => index + 1));
  }
  expect(server.stats().openSockets).toBe(1);
  console.log(
    `[figure] ${ROUNDS} re-logins without await, 2 tabs: ${seq} pushes, each received once per tab, ${server.stats().openSockets} socket`,
  );
});

test('both tabs at once: close() + connect(same url) without await, 3 rounds: each push exactly once per tab, 1 socket', async ({
  context,
  referenceServer,
  openTabs,
}) => {
  const { server, urlFor } = referenceServer;
  const url = urlFor('alice');
  const tabs = await openTabs(context, 2, { url });
  let seq = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // The worker gets the tabs' closes and opens interleaved, in whichever order.
    await Promise.all(
      tabs.map((tab) => tab.evaluate((options) => window.harness.relogin(options), { url })),
    );
    await expectAll(tabs, 'open');
    await expect.poll(() => server.stats().openSockets).toBe(1);
    for (let i = 0; i <= PUSHES_PER_ROUND; i++) {
      seq += 1;
      expect(server.push('alice', { seq })).toBe(1);
    }
    for (const tab of tabs) {
      await expect.poll(async () => (await messagesOf(tab)).at(-1)).toEqual({ seq });
    }
  }
  for (const tab of tabs) {
    const seqs = ((await messagesOf(tab)) as Array<{ seq: number }>).map((push) => push.seq);
    expect(seqs).toEqual(Array.from({ length: seq }, (_, index) => index + 1));
  }
  expect(server.stats().openSockets).toBe(1);
});

test('a worker that starts and never answers: failed (worker-silent) and every call rejected within 10 s', async ({
  context,
  app,
  referenceServer,
}) => {
  const page = await context.newPage();
  await page.goto(`${app.url}?worker=silent`);
  await page.waitForFunction(() => window.harness !== undefined);
  const seen = await page.evaluate(async (url) => {
    const { harness } = window;
    const started = performance.now();
    harness.open({ url });
    const outcome = (call: Promise<unknown>) =>
      call.then(
        () => 'resolved',
        (error: { code?: string }) => error.code ?? String(error),
      );
    const pending = await Promise.all([
      outcome(harness.send('x')),
      outcome(harness.inspect()),
      outcome(harness.close()),
    ]);
    const settledAfter = performance.now() - started;
    return {
      pending,
      settledAfter,
      release: await outcome(harness.release()),
      states: harness.states.map(({ state, detail }) => `${state}:${detail.reason}`),
      failedAfter: (harness.states.find(({ state }) => state === 'failed')?.at ?? 0) - started,
      errors: harness.errors.map(({ code }) => code),
    };
  }, referenceServer.urlFor('alice'));
  expect(seen.pending).toEqual(['TS_ERR_WORKER', 'TS_ERR_WORKER', 'TS_ERR_WORKER']);
  expect(seen.release).toBe('TS_ERR_WORKER');
  expect(seen.states).toEqual(['failed:worker-silent']);
  expect(seen.errors).toEqual(['TS_ERR_WORKER']);
  expect(seen.settledAfter).toBeLessThan(10_000);
  expect(seen.failedAfter).toBeLessThan(10_000);
  expect(referenceServer.server.stats().openSockets).toBe(0);
  console.log(
    `[figure] silent worker: failed (worker-silent) after ${Math.round(seen.failedAfter)} ms, send/inspect/close rejected TS_ERR_WORKER after ${Math.round(seen.settledAfter)} ms`,
  );
});
