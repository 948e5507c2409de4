import type { Page } from '@playwright/test';
import { test as base, expect, stateOf } from './support/fixtures';
import { TcpProxy } from './support/tcp-proxy';

const test = base.extend<{ tcpProxy: TcpProxy }>({
  tcpProxy: async ({ server }, use) => {
    const proxy = await TcpProxy.start(Number(new URL(server.url).port));
    await use(proxy);
    await proxy.close();
  },
});

const HEARTBEAT = { interval: 1000, timeout: 1000 };
const LIFESPAN = HEARTBEAT.interval + HEARTBEAT.timeout;
const RECONNECT = { minDelay: 200, maxDelay: 1000 };
const CONNECT_TIMEOUT = 1500;
const TABS = 3;
const ROUNDS = 5;

type Marked = Window & { settled?: string[] };

/** The tab's clock, which stamps its state events (`at`). */
function nowIn(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** When the tab first saw a state event with `reason` after `since` (its own clock), or null. */
function seen(page: Page, reason: string, since: number): Promise<number | null> {
  return page.evaluate(
    ([reason, since]) =>
      window.harness.states.find((s) => s.detail.reason === reason && s.at >= since)?.at ?? null,
    [reason, since] as const,
  );
}

/** Sends `{ tab, seq }` for each seq without waiting: the send settles only once flushed. */
function sendAll(page: Page, tab: number, seqs: number[]): Promise<void> {
  return page.evaluate(
    ([tab, seqs]) => {
      const marked = window as Marked;
      marked.settled ??= [];
      for (const seq of seqs) {
        window.harness.send({ tab, seq }).then(
          () => marked.settled?.push(`ok ${seq}`),
          (error: Error) => marked.settled?.push(`${error.name} ${seq}`),
        );
      }
    },
    [tab, seqs] as const,
  );
}

test('half-open socket: detected within interval + timeout; messages sent meanwhile arrive once, in order, after the proxy recovers', async ({
  context,
  server,
  tcpProxy: proxy,
  openTab,
}) => {
  const options = {
    url: `ws://127.0.0.1:${proxy.port}/`,
    heartbeat: HEARTBEAT,
    reconnect: RECONNECT,
    connectTimeout: CONNECT_TIMEOUT,
  };
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) tabs.push(await openTab(context, options));
  for (const tab of tabs) await expect.poll(() => stateOf(tab)).toBe('open');
  expect(server.opened).toBe(1);
  expect(proxy.connections).toBe(1);

  // Each tab's clock just before the black hole: the measured figure is an upper bound.
  const blackholedAt = await Promise.all(tabs.map(nowIn));
  proxy.blackhole();

  const detectedAt: number[] = [];
  for (const [i, tab] of tabs.entries()) {
    await expect
      .poll(() => seen(tab, 'heartbeat-timeout', blackholedAt[i] ?? 0), {
        timeout: LIFESPAN * 3,
      })
      .not.toBeNull();
    detectedAt.push(((await seen(tab, 'heartbeat-timeout', 0)) ?? 0) - (blackholedAt[i] ?? 0));
  }
  const detection = Math.max(...detectedAt);
  console.log(
    `[figure] half-open detection: ${Math.round(detection)} ms (interval+timeout ${LIFESPAN} ms; per tab ${detectedAt.map(Math.round).join('/')} ms)`,
  );
  for (const ms of detectedAt) expect(ms).toBeLessThanOrEqual(LIFESPAN * 1.5);

  // Sent after detection, while in backoff or connecting: they wait in the outbox.
  const firstBatch = Array.from({ length: ROUNDS }, (_, k) => k);
  for (const [i, tab] of tabs.entries()) {
    expect(['backoff', 'connecting']).toContain(await stateOf(tab));
    await sendAll(tab, i, firstBatch);
  }
  // New handshakes hang in the black hole until connectTimeout gives up on them.
  for (const [i, tab] of tabs.entries()) {
    await expect
      .poll(() => seen(tab, 'connect-timeout', blackholedAt[i] ?? 0), {
        timeout: LIFESPAN + RECONNECT.maxDelay + CONNECT_TIMEOUT * 2,
      })
      .not.toBeNull();
  }
  const secondBatch = firstBatch.map((k) => k + ROUNDS);
  for (const [i, tab] of tabs.entries()) {
    expect(['backoff', 'connecting']).toContain(await stateOf(tab));
    await sendAll(tab, i, secondBatch);
  }
  expect(server.received).toEqual([]);
  expect(server.opened).toBe(1);

  const recoveredAt = await Promise.all(tabs.map(nowIn));
  proxy.recover();

  const reconnectedAt: number[] = [];
  for (const [i, tab] of tabs.entries()) {
    await expect.poll(() => seen(tab, 'open', recoveredAt[i] ?? 0)).not.toBeNull();
    reconnectedAt.push(
      ((await seen(tab, 'open', recoveredAt[i] ?? 0)) ?? 0) - (recoveredAt[i] ?? 0),
    );
  }
  console.log(
    `[figure] half-open reconnect after recover: ${Math.round(Math.max(...reconnectedAt))} ms (maxDelay ${RECONNECT.maxDelay} ms, connectTimeout ${CONNECT_TIMEOUT} ms)`,
  );
  // The next attempt starts within one capped backoff delay; a hung handshake is cut by
  // the proxy's recovery (or connectTimeout at the latest).
  for (const ms of reconnectedAt) {
    expect(ms).toBeLessThanOrEqual(RECONNECT.maxDelay + CONNECT_TIMEOUT);
  }

  const total = TABS * ROUNDS * 2;
  await expect.poll(() => server.received.length).toBe(total);
  const frames = server.received.map((text) => JSON.parse(text) as { tab: number; seq: number });
  const expected = Array.from({ length: ROUNDS * 2 }, (_, seq) => seq);
  for (let i = 0; i < TABS; i++) {
    expect(frames.filter((f) => f.tab === i).map((f) => f.seq)).toEqual(expected);
  }
  for (const tab of tabs) {
    await expect
      .poll(() => tab.evaluate(() => (window as Marked).settled ?? []))
      .toEqual(expected.map((seq) => `ok ${seq}`));
  }

  // The blackholed socket is gone at the server too; exactly one socket replaced it.
  await expect.poll(() => server.open).toBe(1);
  expect(server.opened).toBe(2);
  for (const tab of tabs) {
    expect(await stateOf(tab)).toBe('open');
    const timeouts = await tab.evaluate(
      () => window.harness.states.filter((s) => s.detail.reason === 'heartbeat-timeout').length,
    );
    expect(timeouts).toBe(1);
  }
  expect(server.received.length).toBe(total);
});
