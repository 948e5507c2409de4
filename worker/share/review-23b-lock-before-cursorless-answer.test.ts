/**
 * Review 21c's first plan (`sim/review-21c-cursorless-hub-takes-lock.test.ts`) in unit form:
 * a tab without a cursor opens on a hub that joins its owner; the owner's answer, and the
 * pushes it relays after (1 and 2), are still on their way when the owner dies. The hub
 * takes the lock having heard no owner (a fresh session), then a rejoining hub (the dead
 * owner's tabs, with a fresh worker) brings a cursor of the session at 2, which the hub
 * resumes instead (`WireLink.learn`): the tab, told that cursor, never heard pushes 1 and 2,
 * made after it opened (sim/README.md "Invariants", what `lostInSilence` catches). Before
 * the fix it was told no `resync`. The owner's late answer says the pushes after 0 are the
 * tab's (`HeardStream.answeredLate`). Both tests fail without the fix.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import type { SessionCursor } from '../../protocol/tab-hub';
import { handshake, resumeFrameOf } from '../test-support/connection-harness';
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
  // Both words read; then the server takes hub b's resume (its stream's last push is 2) and
  // replays what follows it.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const { resume } = handshake(world.latest(), 2);
  for (let seq = resume.last + 1; seq <= 2; seq++) world.latest().receive(push(seq));
  world.latest().receive(push(3));
  await vi.waitFor(() => expect(tab.frames().map((frame) => frame.seq)).toContain(3));
  const kinds = tab.events.map((event) => event.kind);
  return { resume, told: kinds.slice(kinds.lastIndexOf('opened')).includes('resync'), tab };
}

// Fixed: the late answer's cursor (at 0) says the pushes past it are the tab's: heard first,
// hub b resumes the session from there, and the server hands them over again (`lateFrom`).
it('hands a tab without a cursor the pushes past the late answer when its hub took the lock before it and resumes a session another hub brought', async () => {
  const { resume, told, tab } = await lockBeforeAnswer('lock-before-answer-first', 'answer-first');
  expect(resume.last).toBe(0);
  expect(told).toBe(false);
  expect(tab.frames().map((frame) => frame.seq)).toEqual([1, 2, 3]);
});

// Fixed: heard after the rejoin's cursor was told the tab, the late answer can only say
// `resync` (`HeardStream.tookUp`, `answeredLate`).
it('tells it `resync` when the late answer comes after the cursor it resumes from', async () => {
  const { resume, told } = await lockBeforeAnswer('lock-before-rejoin-first', 'rejoin-first');
  expect(resume.last).toBe(2);
  expect(told).toBe(true);
});
