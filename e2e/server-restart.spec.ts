import type { Page } from '@playwright/test';
import type { StateDetail } from 'tabsocket';
import { test as base, expect, stateOf } from './support/fixtures';
import { ServerProcess } from './support/server-process';

/** Starts counting servers in child processes; every one is killed in teardown, whatever happened. */
const test = base.extend<{ spawnServer: (port?: number) => Promise<ServerProcess> }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
  spawnServer: async ({}, use) => {
    const started: ServerProcess[] = [];
    await use(async (port) => {
      const server = await ServerProcess.start(port);
      started.push(server);
      return server;
    });
    await Promise.all(started.map((server) => server.kill('SIGKILL')));
  },
});

const RECONNECT = { minDelay: 100, maxDelay: 2000, factor: 2, jitter: 0 };
const TABS = 3;

/** The delay before retry number `attempt` with these options: exact, as jitter is 0. */
function expectedDelay(attempt: number): number {
  return Math.min(RECONNECT.minDelay * RECONNECT.factor ** (attempt - 1), RECONNECT.maxDelay);
}

interface Event {
  state: string;
  detail: StateDetail;
  at: number;
}

function statesSince(page: Page, since: number): Promise<Event[]> {
  return page.evaluate((t) => window.harness.states.filter((s) => s.at >= t), since);
}

function closeBackoffs(events: Event[]): Event[] {
  return events.filter((e) => e.state === 'backoff' && e.detail.reason === 'close');
}

test('server killed with SIGKILL and restarted on the same port: every tab back to open on 1 socket; delays follow the backoff', async ({
  context,
  openTab,
  spawnServer,
}) => {
  const first = await spawnServer();
  const options = { url: first.url, reconnect: RECONNECT };
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) tabs.push(await openTab(context, options));
  for (const tab of tabs) await expect.poll(() => stateOf(tab)).toBe('open');
  await expect.poll(() => first.open).toBe(1);
  expect(first.opened).toBe(1);

  const killedAt = await Promise.all(tabs.map((tab) => tab.evaluate(() => performance.now())));
  await first.kill('SIGKILL');
  for (const [i, tab] of tabs.entries()) {
    await expect
      .poll(async () => closeBackoffs(await statesSince(tab, killedAt[i] ?? 0)).length)
      .toBeGreaterThan(0);
  }
  // Let ~2 more attempts fail against the closed port before the server comes back.
  await expect
    .poll(async () => closeBackoffs(await statesSince(tabs[0] as Page, killedAt[0] ?? 0)).length)
    .toBeGreaterThanOrEqual(3);

  const restartAt = await (tabs[0] as Page).evaluate(() => performance.now());
  const spawning = performance.now();
  const second = await spawnServer(first.port);
  const spawnMs = Math.round(performance.now() - spawning);
  expect(second.port).toBe(first.port);
  for (const tab of tabs) await expect.poll(() => stateOf(tab)).toBe('open');
  await expect.poll(() => second.open).toBe(1);
  expect(second.opened).toBe(1);

  const histories = await Promise.all(tabs.map((tab, i) => statesSince(tab, killedAt[i] ?? 0)));
  const delays = histories.map((events) => closeBackoffs(events).map((e) => e.detail.delay));
  const attempts = delays[0]?.length ?? 0;
  expect(attempts).toBeGreaterThanOrEqual(3);
  const expected = Array.from({ length: attempts }, (_, k) => expectedDelay(k + 1));
  for (const [i, history] of histories.entries()) {
    expect(delays[i]).toEqual(expected);
    expect(closeBackoffs(history).map((e) => e.detail.attempt)).toEqual(
      expected.map((_, k) => k + 1),
    );
  }

  // The delays are honoured, not only reported: each retry starts `delay` after its backoff.
  const history = histories[0] ?? [];
  const gaps = closeBackoffs(history).flatMap((backoff) => {
    const retry = history.find((e) => e.at > backoff.at && e.detail.reason === 'retry');
    return retry ? [Math.round(retry.at - backoff.at)] : [];
  });
  for (const [k, gap] of gaps.entries()) {
    // The events cross the worker → tab channel: allow for their delivery jitter.
    expect(gap).toBeGreaterThanOrEqual(expectedDelay(k + 1) - 50);
    expect(gap).toBeLessThanOrEqual(expectedDelay(k + 1) + 500);
  }
  const reopened = history.find((e) => e.state === 'open');
  const backAfter = Math.round((reopened?.at ?? Number.NaN) - restartAt);
  console.log(
    `[figure] server restart: backoff delays ${expected.join(', ')} ms (measured gaps ${gaps.join(', ')} ms); back to open ${backAfter} ms after the restart began (process start ${spawnMs} ms); new server sockets: ${second.opened}`,
  );
  // Once the server listens, the tabs are back within the pending (capped) delay.
  expect(backAfter).toBeLessThanOrEqual(spawnMs + RECONNECT.maxDelay + 1000);

  // The one new socket carries every tab's messages, once each.
  for (const [i, tab] of tabs.entries()) await tab.evaluate((n) => window.harness.send({ n }), i);
  await expect.poll(() => second.received.length).toBe(TABS);
  expect([...second.received].sort()).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
  expect(second.opened).toBe(1);
});
