/**
 * A hub that joins the owner without a cursor (a new tab on a relaying hub): its tabs are
 * open from its `since`, so the owner's answer starts their stream at the first push the
 * owner heard since then, and its catch-up holds them, though the owner, with no peer then,
 * relayed none. Here the owner reads the join only after pushes 1 and 2, as a lagging
 * channel delivers it.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { ownerWithLateJoin } from '../test-support/late-join';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

async function tabOf(build: string, tabId: string, name: string) {
  const { hub } = world.startHub(build);
  const tab = await world.attachTab(hub, tabId);
  await tab.api.open(tabId, relayOptions(name));
  tab.api.setInterest(tabId, name, ALL);
  return tab;
}

it('tells a tab that opened without a cursor the pushes its owner heard before reading its join', async () => {
  const name = 'relay-join-since';
  const { owner, socket, peer, deliver } = await ownerWithLateJoin(world, name, tabOf);
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(owner.frames()).toHaveLength(2));
  deliver();
  await vi.waitFor(() => expect(peer.states().at(-1)).toMatch(/^open:/));
  socket.receive(push(3));
  await vi.waitFor(() => expect(peer.frames()).toHaveLength(3));
  expect(peer.frames().map((frame) => frame.seq)).toEqual([1, 2, 3]);
  expect(peer.events.some((event) => event.kind === 'resync')).toBe(false);
});
