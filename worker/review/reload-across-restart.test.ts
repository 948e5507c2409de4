/**
 * Review (issue 19): "a stream that restarts must be visible as what it is ... then every
 * push of the new stream reaches every tab once, after a resync event". A page reloads
 * while the worker keeps the socket (Chromium); meanwhile the server restarts without its
 * sessions and pushes 1..3 of the new stream (S2). The page comes back with its cursor of
 * S1: it is told resync, but S2's pushes 1..3, which the worker keeps for pages that come
 * back, never reach it. (Invariant 1 read literally allows this, a resync came first; the
 * issue's requirement does not.)
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number, n = seq) => JSON.stringify({ $ts: 'push', seq, data: { n } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('a page reloaded across a stream restart gets every push of the new stream after its resync', async () => {
  const name = 'review-reload-across-restart';
  const options = relayOptions(name, { reconnect: { minDelay: 10, maxDelay: 10, jitter: 0 } });
  const w = world.startHub('build-a');
  const tab1 = await world.attachTab(w.hub, 'tab-1');
  const tab2 = await world.attachTab(w.hub, 'tab-2');
  for (const tab of [tab1, tab2]) {
    await tab.api.open(tab.tabId, options);
    tab.api.setInterest(tab.tabId, name, ALL);
  }
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  first.receive(resumed(0));
  for (let seq = 1; seq <= 5; seq++) first.receive(push(seq));
  await vi.waitFor(() => expect(tab1.frames()).toHaveLength(5));
  const saved = w.hub.inspect(name)?.cursor;
  w.hub.leave('tab-1');

  first.drop();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  second.receive(resyncOnto('session-two-0123456'));
  for (let seq = 1; seq <= 3; seq++) second.receive(push(seq, 100 + seq));
  await vi.waitFor(() => expect(tab2.frames()).toHaveLength(8));

  const reloaded = await world.attachTab(w.hub, 'tab-1-reloaded');
  await reloaded.api.open('tab-1-reloaded', options, saved);
  reloaded.api.setInterest('tab-1-reloaded', name, ALL);
  second.receive(push(4, 104));
  await vi.waitFor(() => expect(reloaded.frames().at(-1)?.data).toEqual({ n: 104 }));
  const seen = reloaded.events.flatMap(
    (event): Array<number | string> =>
      event.kind === 'resync'
        ? ['resync']
        : event.kind === 'frames'
          ? event.frames.map((frame) => (frame.data as { n: number }).n)
          : [],
  );
  expect(seen).toEqual(['resync', 101, 102, 103, 104]);
});
