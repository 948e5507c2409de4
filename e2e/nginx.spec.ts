import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import { test as base, expect, stateOf } from './support/fixtures';
import { type Nginx, startNginx } from './support/nginx';

const READ_TIMEOUT_MS = 3000;
const IDLE_MS = 15_000;
const TABS = 3;

/** nginx in front of the counting server, cutting sockets idle for 3 s. */
const test = base.extend<{ nginx: Nginx }>({
  nginx: async ({ server }, use) => {
    const nginx = await startNginx({
      upstreamPort: Number(new URL(server.url).port),
      readTimeout: `${READ_TIMEOUT_MS / 1000}s`,
    });
    await use(nginx);
    await nginx.close();
  },
});

function states(page: Page) {
  return page.evaluate(() => window.harness.states);
}

test.describe('nginx in front with proxy_read_timeout 3s', () => {
  test('heartbeat every 1 s: the socket stays open 15 s idle', async ({
    context,
    server,
    nginx,
    openTab,
  }) => {
    const options = { url: nginx.url, heartbeat: { interval: 1000, timeout: 1000 } };
    const tabs: Page[] = [];
    for (let i = 0; i < TABS; i++) tabs.push(await openTab(context, options));
    for (const tab of tabs) await expect.poll(() => stateOf(tab)).toBe('open');
    expect(server.opened).toBe(1);

    // The scenario is "nothing happens for 15 s": a fixed wait is the test itself.
    await delay(IDLE_MS);

    expect(server.opened).toBe(1);
    expect(server.open).toBe(1);
    for (const tab of tabs) {
      const history = await states(tab);
      const firstOpen = history.findIndex((s) => s.state === 'open');
      expect(firstOpen).toBeGreaterThanOrEqual(0);
      expect(history.slice(firstOpen + 1)).toEqual([]);
      expect(await stateOf(tab)).toBe('open');
    }
    // Still a working socket through nginx, not a dead one nobody noticed.
    expect(server.push({ after: 'idle' })).toBe(1);
    for (const tab of tabs) {
      await expect
        .poll(() => tab.evaluate(() => window.harness.messages))
        .toEqual([{ after: 'idle' }]);
    }
    console.log(
      `[figure] nginx heartbeat 1 s: open ${IDLE_MS} ms idle behind proxy_read_timeout ${READ_TIMEOUT_MS} ms, server sockets opened ${server.opened}`,
    );
  });

  test('heartbeat off: nginx cuts the idle socket after ~3 s and the client reconnects', async ({
    context,
    server,
    nginx,
    openTab,
  }) => {
    const options = {
      url: nginx.url,
      heartbeat: false as const,
      reconnect: { minDelay: 200, maxDelay: 1000 },
    };
    const tab = await openTab(context, options);
    await expect.poll(() => stateOf(tab)).toBe('open');
    expect(server.opened).toBe(1);

    await expect
      .poll(
        async () =>
          (await states(tab)).some((s) => s.state === 'backoff' && s.detail.reason === 'close'),
        { timeout: READ_TIMEOUT_MS * 3 },
      )
      .toBe(true);
    await expect
      .poll(async () => (await states(tab)).filter((s) => s.state === 'open').length)
      .toBeGreaterThanOrEqual(2);
    expect(server.opened).toBeGreaterThanOrEqual(2);

    const history = await states(tab);
    const opened = history.find((s) => s.state === 'open');
    const cut = history.find((s) => s.state === 'backoff');
    expect(cut?.detail.reason).toBe('close');
    const reopened = history.filter((s) => s.state === 'open')[1];
    const cutAfter = Math.round((cut?.at ?? Number.NaN) - (opened?.at ?? Number.NaN));
    const reconnect = Math.round((reopened?.at ?? Number.NaN) - (cut?.at ?? Number.NaN));
    console.log(
      `[figure] nginx heartbeat off: cut after ${cutAfter} ms idle (proxy_read_timeout ${READ_TIMEOUT_MS} ms, close code ${cut?.detail.code}), reopened ${reconnect} ms later; server sockets opened ${server.opened}`,
    );
    expect(cutAfter).toBeGreaterThanOrEqual(READ_TIMEOUT_MS * 0.8);
    expect(cutAfter).toBeLessThanOrEqual(READ_TIMEOUT_MS * 1.5);
  });
});
