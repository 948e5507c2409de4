/**
 * A hub that joins the owner without a cursor (a new tab on a relaying hub): its tabs are
 * open from its `since`, so the owner's answer starts their stream at the first push the
 * owner heard since then, and its catch-up holds them, though the owner, with no peer then,
 * relayed none. Here the owner reads the join only after pushes 1 and 2, as a lagging
 * channel delivers it.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { HELLO, resumed } from '../test-support/connection-harness';
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

/**
 * A fresh worker after a death starts after its tabs opened: a tab without a cursor brings
 * its own open time (`HubApi.open`'s `since`), and the owner's catch-up holds the pushes it
 * heard since then, before the hub began (review 21c).
 */
async function pushesBeforeHubStarts(name: string) {
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  await vi.waitFor(() => expect(tabA.states().at(-1)).toMatch(/^open:/));
  const openedAt = Date.now();
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(2));
  const heardBy = Date.now();
  // The fresh hub starts a millisecond or more after the owner heard them.
  await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(heardBy));
  const b = world.startHub('build-b');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  return { socket, tabB, openedAt, hub: b.hub };
}

it('asks the owner from a tab`s own open time, before its hub began', async () => {
  const name = 'relay-join-since-tab';
  const { socket, tabB, openedAt } = await pushesBeforeHubStarts(name);
  await tabB.api.open('tab-b', relayOptions(name), undefined, undefined, 'rejoin', openedAt);
  tabB.api.setInterest('tab-b', name, ALL);
  await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
  socket.receive(push(3));
  await vi.waitFor(() => expect(tabB.frames().map((frame) => frame.seq)).toEqual([1, 2, 3]));
  expect(tabB.events.some((event) => event.kind === 'resync')).toBe(false);
});

it('without a time, asks from the hub`s own start', async () => {
  const name = 'relay-join-since-hub';
  const { socket, tabB } = await pushesBeforeHubStarts(name);
  await tabB.api.open('tab-b', relayOptions(name), undefined, undefined, 'rejoin');
  tabB.api.setInterest('tab-b', name, ALL);
  await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
  socket.receive(push(3));
  await vi.waitFor(() => expect(tabB.frames().map((frame) => frame.seq)).toEqual([3]));
});

it('joins again from an earlier open time a tab brings while its hub still joins', async () => {
  const name = 'relay-join-since-again';
  const { socket, tabB, openedAt, hub } = await pushesBeforeHubStarts(name);
  const joins: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-a' || message.kind !== 'join') return undefined;
    joins.push(message);
    return 'lost';
  };
  const first = tabB.api.open('tab-b', relayOptions(name));
  tabB.api.setInterest('tab-b', name, ALL);
  await vi.waitFor(() => expect(joins).toHaveLength(1));
  const tabC = await world.attachTab(hub, 'tab-c');
  const second = tabC.api.open(
    'tab-c',
    relayOptions(name),
    undefined,
    undefined,
    'rejoin',
    openedAt,
  );
  tabC.api.setInterest('tab-c', name, ALL);
  await vi.waitFor(() => expect(joins).toHaveLength(2));
  delete world.hooks.relayReceived;
  world.deliver(name, joins, 'build-a');
  await Promise.all([first, second]);
  socket.receive(push(3));
  for (const tab of [tabB, tabC]) {
    await vi.waitFor(() => expect(tab.frames().map((frame) => frame.seq)).toEqual([1, 2, 3]));
  }
});
