/**
 * Review 23c (sim/review-23c-answer-cursor-before-verdict.test.ts): a relaying hub whose
 * join named a cursor of another session, with pushes in it, took the owner's session from
 * the answer and told its tabs that session's cursor at once; the owner's `resync` verdict
 * on the join comes in a later message (`builds` between), and a page reloaded between the
 * two came back on the new session, owed nothing. The tabs hear the new session with the
 * verdict, in the hub's one task, just before its resync.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { ownerOnOpenSocket, push, tabOnHub } from '../test-support/relay-tabs';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it("tells a relaying hub's tabs the owner's other session only with the verdict's resync", async () => {
  const options = relayOptions('answer-session-verdict');
  const { socket, tab: tabA } = await ownerOnOpenSocket(world, options);
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(2));

  // The owner's verdict on b's join (its catch-up, addressed to b) is held back: b read the
  // answer, not yet the verdict, as a page of it closes.
  const held: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-b' || message.kind !== 'event' || message.to === undefined) return;
    held.push(message);
    return 'lost';
  };
  const old = { session: 'old-session-0123456', seq: 3, nextId: 4 };
  const { tab } = await tabOnHub(world, 'build-b', 'tab-b', options, old);
  const told = () =>
    tab.events.map((event) =>
      event.kind === 'cursor' ? `cursor:${event.cursor.session}` : event.kind,
    );
  const moved = () =>
    told().findIndex((kind) => kind.startsWith('cursor:') && kind !== `cursor:${old.session}`);
  await vi.waitFor(() => expect(held.length).toBeGreaterThan(0));
  await vi.waitFor(() => expect(tab.states()).toContain('open:attached'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  // A page that closes now keeps the old session's cursor: its next hub's catch-up, or the
  // owner's, tells it the resync.
  expect(moved()).toBe(-1);

  world.deliver(options.name, held, 'build-b');
  await vi.waitFor(() => expect(told()).toContain('resync'));
  expect(moved()).toBeGreaterThanOrEqual(0);
  expect(moved()).toBeLessThan(told().indexOf('resync'));
});
