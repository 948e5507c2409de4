/**
 * Review 21c's first plan (`sim/review-21c-cursorless-hub-takes-lock.test.ts`) in unit form:
 * a tab without a cursor opens on a hub that joins its owner; the owner's answer, and the
 * pushes it relays after (1 and 2), are still on their way when the owner dies. The hub
 * takes the lock having heard no owner (a fresh session), then a rejoining hub (the dead
 * owner's tabs, with a fresh worker) brings a cursor of the session at 2, which the hub
 * resumes instead (`WireLink.learn`): the tab, told that cursor, never heard pushes 1 and 2,
 * made after it opened (sim/README.md "Invariants", what `lostInSilence` catches). Before
 * the fix it was told no `resync`.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { relayChannelName } from '../../protocol/locks';
import type { SessionCursor } from '../../protocol/tab-hub';
import { resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { ALL, ownerOnOpenSocket, push } from '../test-support/relay-tabs';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  delete world.hooks.relayReceived;
  world = hubWorld();
});

it('tells a tab without a cursor `resync` when its hub took the lock before the answer and resumes a session another hub brought', async () => {
  const name = 'lock-before-cursorless-answer';
  const options = relayOptions(name);
  const { tab: tabA, socket, kill } = await ownerOnOpenSocket(world, options);
  await vi.waitFor(() => expect(tabA.states().at(-1)).toMatch(/^open:/));
  const { session } = resumeFrameOf(socket);
  // Nothing the owner posts reaches hub b before the owner dies.
  world.hooks.relayReceived = (build) => (build === 'build-b' ? 'lost' : undefined);
  const b = world.startHub('build-b');
  const tab = await world.attachTab(b.hub, 'tab-b');
  const opened = tab.api.open('tab-b', options);
  tab.api.setInterest('tab-b', name, ALL);
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(2));
  const sockets = world.sockets.length;
  kill();
  await opened;
  // Hub b owns the socket now, on a fresh session: no resume went out yet.
  await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(sockets));
  delete world.hooks.relayReceived;
  const rejoin = new BroadcastChannel(relayChannelName(name));
  const cursor: SessionCursor = { session, seq: 2, nextId: 65, numbered: true };
  rejoin.postMessage({
    v: 1,
    from: 'rejoining-hub',
    kind: 'join',
    build: 'build-a',
    url: options.url,
    topics: [],
    cursor,
    ask: 1,
    intent: 'rejoin',
    ended: [],
  });
  rejoin.close();
  await vi.waitFor(() =>
    expect(
      tab.events.some((event) => event.kind === 'cursor' && event.cursor.session === session),
    ).toBe(true),
  );
  const kinds = tab.events.map((event) => event.kind);
  expect(kinds.slice(kinds.lastIndexOf('opened'))).toContain('resync');
});
