/**
 * Review 22e: a tab that opens without a cursor on a relaying hub whose join names a cursor
 * the owner answers `resync` (OLDER).
 *
 * Invariant: each push reaches every handle that wants it once, or a `resync` comes before
 * the first gap (sim/README.md "Invariants"; what `lostInSilence` catches: the loss is
 * before the first push the tab hears). Severity: high where it happens (pushes lost in
 * silence); needs a page that comes back with a cursor the owner cannot catch up (a
 * session the server lost, or one behind its ring) and a new page on the same hub within
 * the join's lag.
 *
 * What happens: hub b joins its owner with the reloaded page's cursor (owed, `owe`). A new
 * page opens on b while it joins: it brings no cursor, so b's `since` is not used (b has a
 * cursor: `RelayPeer.openedSince`) and it is owed nothing. The owner hears p2 and p3 after
 * that page opened and before it reads b's joins; b holds them back (not following). The
 * owner's verdict on the cursor is `resync` (and, since 5485983, its cursor), which
 * `HeardStream.resync('owed')` posts to the owed tab alone. The new page hears p4 next:
 * events `state, opened, builds, cursor, cursor, frames[4]`, no resync; p2 and p3 are lost
 * in silence. Had the verdict been frames, they would reach it (a catch-up is delivered to
 * every tab that wants it).
 *
 * OLDER: the same on 5072181 (events `state, opened, builds, cursor, frames[4]`: no second
 * cursor there, nothing else differs). A fix: a tab that opens on a hub still joining with
 * a cursor is owed the verdict too when it opens after the cursor the join names (the
 * pushes the verdict covers may be after its open), or the owner's `resync` verdict is
 * told every tab that opened while the hub joined.
 */
import { afterEach, expect, it, vi } from 'vitest';
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

// Fixed: a tab without a cursor that opens while its hub joins is owed the owner's verdict
// with its open time (`HeardStream.owe`); the owner says when it heard the newest push its
// `resync` covers (`heardTo`), and the tab is told it when that is after its open.
it('tells a tab that opened without a cursor while its hub joined the pushes since, or resync', async () => {
  const name = 'unowed-tab-verdict';
  const options = relayOptions(name);
  const { tab: tabA, socket } = await ownerOnOpenSocket(world, options);
  await vi.waitFor(() => expect(tabA.states().at(-1)).toMatch(/^open:/));
  socket.receive(push(1));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(1));
  const { session } = resumeFrameOf(socket);
  // A page reloaded with a cursor of a session the server lost: the owner's verdict on it is `resync`.
  const lost: SessionCursor = { session: `${session}-lost`, seq: 4, nextId: 1, numbered: true };
  const joins: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-a' || message.kind !== 'join') return undefined;
    joins.push(message);
    return 'lost';
  };
  const b = world.startHub('build-b');
  const owed = await world.attachTab(b.hub, 'tab-owed');
  const first = owed.api.open('tab-owed', options, lost, undefined, 'rejoin');
  owed.api.setInterest('tab-owed', name, ALL);
  await vi.waitFor(() => expect(joins).toHaveLength(1));
  // A new page opens on the hub while it joins: no cursor, so it is owed nothing.
  const fresh = await world.attachTab(b.hub, 'tab-fresh');
  const second = fresh.api.open('tab-fresh', options);
  fresh.api.setInterest('tab-fresh', name, ALL);
  await vi.waitFor(() => expect(joins).toHaveLength(2));
  // The owner hears p2 and p3 after the fresh tab opened, before it reads the hub's joins.
  socket.receive(push(2));
  socket.receive(push(3));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(3));
  delete world.hooks.relayReceived;
  world.deliver(name, joins, 'build-a');
  await Promise.all([first, second]);
  socket.receive(push(4));
  await vi.waitFor(() => expect(fresh.frames().map((frame) => frame.seq)).toContain(4));
  await vi.waitFor(() => expect(owed.events.map((event) => event.kind)).toContain('resync'));
  const kinds = fresh.events.map((event) => event.kind);
  const told = kinds.slice(kinds.lastIndexOf('opened')).includes('resync');
  const seqs = fresh.frames().map((frame) => frame.seq);
  // Every push since it opened, or a resync.
  expect(told || (seqs.includes(2) && seqs.includes(3))).toBe(true);
});
