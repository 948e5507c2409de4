import { expect, expectAll, statesOf, test } from './support/fixtures';

test('tabs frozen in the background for 30 s: no heartbeat missed, no reconnect', async ({
  context,
  server,
  openTab,
}) => {
  test.setTimeout(90_000);
  const options = { url: server.url, heartbeat: { interval: 1_000, timeout: 1_000 } };
  const tabs = [await openTab(context, options), await openTab(context, options)];
  await expectAll(tabs, 'open');
  const sessions = await Promise.all(tabs.map((tab) => context.newCDPSession(tab)));
  // Frozen is what Chrome does to background tabs at its most severe: no task runs in them.
  // The heartbeat lives in the worker, which is not frozen with them.
  await Promise.all(
    sessions.map((cdp) => cdp.send('Page.setWebLifecycleState', { state: 'frozen' })),
  );
  const heartbeatsBefore = server.heartbeats;
  // The scenario is "30 s pass in the background": there is no event to wait for.
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  const heartbeats = server.heartbeats - heartbeatsBefore;
  await Promise.all(
    sessions.map((cdp) => cdp.send('Page.setWebLifecycleState', { state: 'active' })),
  );
  expect(heartbeats).toBeGreaterThanOrEqual(25);
  expect(server.opened).toBe(1);
  for (const tab of tabs) {
    const states = (await statesOf(tab)).map((entry) => entry.state);
    expect(states.filter((state) => state !== 'connecting' && state !== 'open')).toEqual([]);
    expect(states.filter((state) => state === 'open')).toHaveLength(1);
  }
  console.log(
    `[figure] 30 s frozen: ${heartbeats} heartbeats answered, ${server.opened} socket, 0 reconnects`,
  );
});
