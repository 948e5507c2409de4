/**
 * Review 21c's first plan (`sim/review-21c-cursorless-hub-takes-lock.test.ts`) in unit form:
 * a tab without a cursor opens on a hub that joins its owner; the owner's answer, and the
 * pushes it relays after (1 and 2), are still on their way when the owner dies. The hub
 * takes the lock having heard no owner (a fresh session), then a rejoining hub (the dead
 * owner's tabs, with a fresh worker) brings a cursor of the session at 2, which the hub
 * resumes instead (`WireLink.learn`): the tab, told that cursor, never heard pushes 1 and 2,
 * made after it opened (sim/README.md "Invariants", what `lostInSilence` catches). Before
 * the fix it was told no `resync`. The owner's late answer says the pushes after 0 are the
 * tab's (`HeardStream.answeredLate`).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
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

/**
 * Hub b takes the lock with the owner's answer held back, and hears it, and the rejoining
 * hub's cursor, in the order `order` (two hubs' messages on lagging channels come in any).
 */
async function lockBeforeAnswer(name: string, order: 'answer-first' | 'rejoin-first') {
  const options = relayOptions(name);
  const { tab: tabA, socket, kill } = await ownerOnOpenSocket(world, options);
  await vi.waitFor(() => expect(tabA.states().at(-1)).toMatch(/^open:/));
  const { session } = resumeFrameOf(socket);
  // What the owner posts reaches hub b only after the owner died.
  const late: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-b') return undefined;
    late.push(message);
    return 'lost';
  };
  const b = world.startHub('build-b');
  const tab = await world.attachTab(b.hub, 'tab-b');
  const opened = tab.api.open('tab-b', options);
  tab.api.setInterest('tab-b', name, ALL);
  await vi.waitFor(() => expect(late.some((message) => message.kind === 'owner')).toBe(true));
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(2));
  const sockets = world.sockets.length;
  kill();
  await opened;
  // Hub b owns the socket now, on a fresh session: no resume went out yet.
  await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(sockets));
  delete world.hooks.relayReceived;
  const cursor: SessionCursor = { session, seq: 2, nextId: 65, numbered: true };
  const rejoin = () => {
    const channel = new BroadcastChannel(relayChannelName(name));
    channel.postMessage({
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
    channel.close();
  };
  if (order === 'rejoin-first') rejoin();
  world.deliver(name, late, 'build-b');
  if (order === 'answer-first') rejoin();
  await vi.waitFor(() =>
    expect(
      tab.events.some((event) => event.kind === 'cursor' && event.cursor.session === session),
    ).toBe(true),
  );
  // Both words read.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return tab;
}

for (const order of ['answer-first', 'rejoin-first'] as const) {
  it(`tells a tab without a cursor \`resync\` when its hub took the lock before the answer and resumes a session another hub brought (${order})`, async () => {
    const tab = await lockBeforeAnswer(`lock-before-cursorless-answer-${order}`, order);
    const kinds = tab.events.map((event) => event.kind);
    expect(kinds.slice(kinds.lastIndexOf('opened'))).toContain('resync');
  });
}
