/**
 * Search 45103 (`sim/review-24a-search-45103-two-builds-gap.test.ts`): a tab that opens
 * without a cursor on a relaying hub waits for the owner's answer (`SharedConnection.sync`),
 * then gets the pushes heard since it opened as a catch-up (`RecentFrames.heardSince`),
 * whatever it subscribes to: its page drops what it does not want. Its interest is a message
 * of its own on the port, which may come after the answer and a push or two of the owner's:
 * those were passed over as unwanted (the tab's interest was still none), told by number
 * only, after a catch-up that gave the ones before them. A gap without resync.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('a tab whose open waited for the owner hears the pushes between its catch-up and its interest', async () => {
  const name = 'opening-before-interest';
  const since = Date.now();
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const b = world.startHub('build-b');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabB.api.open('tab-b', relayOptions(name));
  tabB.api.setInterest('tab-b', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabB.frames()).toHaveLength(2));
  const late = await world.attachTab(b.hub, 'tab-late');
  // Open since before pushes 1 and 2: its catch-up gives them.
  const opened = late.api.open(
    'tab-late',
    relayOptions(name),
    undefined,
    undefined,
    'login',
    since,
  );
  await expect(opened).resolves.toMatchObject({ ok: true });
  // A push of the owner's before the tab's interest reached the hub.
  socket.receive(push(3));
  await vi.waitFor(() => expect(tabB.frames()).toHaveLength(3));
  late.api.setInterest('tab-late', name, ALL);
  socket.receive(push(4));
  await vi.waitFor(() => expect(late.frames().map((frame) => frame.seq)).toContain(4));
  expect(late.frames().map((frame) => frame.seq)).toEqual([1, 2, 3, 4]);
});
