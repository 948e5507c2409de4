import type { HeartbeatOptions } from 'tabsocket';
import { expect, expectAll, messagesOf, statesOf, test } from './support/fixtures';

/** Servers nobody wrote for tabsocket, and the options alone that make the heartbeat work. */
const servers: Array<{ title: string; ping: string; pong: string; heartbeat: HeartbeatOptions }> = [
  {
    title: 'echoes "HeartBeat" back',
    ping: 'HeartBeat',
    pong: 'HeartBeat',
    heartbeat: { ping: 'HeartBeat', pong: 'HeartBeat' },
  },
  { title: 'answers "ping" with "pong"', ping: 'ping', pong: 'pong', heartbeat: {} },
];

for (const { title, ping, pong, heartbeat } of servers) {
  test.describe(`a plain ws server that ${title}`, () => {
    test.use({ serverOptions: { ping, pong } });

    test('keeps the socket alive with options alone; heartbeat frames never reach the tabs', async ({
      context,
      server,
      openTab,
    }) => {
      const options = { url: server.url, heartbeat: { interval: 300, timeout: 300, ...heartbeat } };
      const tabs = [await openTab(context, options), await openTab(context, options)];
      await expectAll(tabs, 'open');
      await expect.poll(() => server.heartbeats, { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
      for (const tab of tabs) {
        expect((await statesOf(tab)).map((entry) => entry.state)).not.toContain('backoff');
        expect(await messagesOf(tab)).toEqual([]);
      }
      expect(server.opened).toBe(1);
      expect(server.received).toEqual([]);
    });
  });
}
