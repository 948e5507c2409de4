/**
 * Review 22g's plan (`sim/review-22g-frames-verdict-cursorless.test.ts`) in unit form: a tab
 * without a cursor opens on a hub that relays and follows its owner. Its open waits for the
 * owner's answer to the hub's join (`SharedConnection.sync`), and the pushes the hub passes
 * on meanwhile go to its other tabs, not to this one (opening: `TabRegistry.deliver`); the
 * owner's catch-up after the answer starts at the hub's cursor, past them. They are the
 * tab's all the same: it opened before they were heard (sim/README.md "Invariants", what
 * `lostInSilence` catches). Before the fix it heard push 3 alone.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { ALL, ownerOnOpenSocket, push, tabOnHub } from '../test-support/relay-tabs';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  delete world.hooks.relayReceived;
  world = hubWorld();
});

it('hands a tab without a cursor the pushes its hub passed on while its open waited for the owner', async () => {
  const name = 'cursorless-opening-catch-up';
  const options = relayOptions(name);
  const { tab: tabA, socket } = await ownerOnOpenSocket(world, options);
  await vi.waitFor(() => expect(tabA.states().at(-1)).toMatch(/^open:/));
  const { hub: b, tab: first } = await tabOnHub(world, 'build-b', 'tab-b1', options);
  await vi.waitFor(() => expect(first.states().at(-1)).toMatch(/^open:/));
  // The owner reads the hub's next join late (a lagging channel).
  const joins: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-a' || message.kind !== 'join') return undefined;
    joins.push(message);
    return 'lost';
  };
  const second = await world.attachTab(b, 'tab-b2');
  const opened = second.api.open('tab-b2', options);
  second.api.setInterest('tab-b2', name, ALL);
  await vi.waitFor(() => expect(joins).toHaveLength(1));
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(first.frames()).toHaveLength(2));
  delete world.hooks.relayReceived;
  world.deliver(name, joins, 'build-a');
  await opened;
  socket.receive(push(3));
  await vi.waitFor(() => expect(second.frames().map((frame) => frame.seq)).toContain(3));
  const kinds = second.events.map((event) => event.kind);
  const told = kinds.slice(kinds.lastIndexOf('opened')).includes('resync');
  expect(told).toBe(false);
  expect(second.frames().map((frame) => frame.seq)).toEqual([1, 2, 3]);
});
