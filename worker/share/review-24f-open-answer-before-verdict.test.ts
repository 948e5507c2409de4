/**
 * Review 24f of fix 24d (1744017), "a handle that opens between cursor and resync": a
 * relaying hub whose owner's answer says `resyncs` keeps the owner's session from its tabs
 * until the verdict (`RelayPeer.#untold`), but the answer to a tab's open is a snapshot of
 * the hub's connection (`Hub.#snapshot`), whose `cursor` is the peer's `#cursor`: the
 * owner's session taken from the answer, not the cursor the tabs were told. The client takes
 * that snapshot's cursor directly (`HubClient`: `this.#cursors.tell(name, outcome.value.cursor)`,
 * not through `StreamCursors.pass`, which holds a newer-epoch cursor back), so a tab whose
 * open is answered after the owner's answer and before the verdict (the open waits for the
 * answer: `SharedConnection.known`; the verdict is a later channel message, `builds` between,
 * or later still when the owner's socket is not open) holds the new session's cursor with no
 * resync, and a page that leaves then keeps it at pagehide: its next hub owes it nothing.
 *
 * Invariant: delivery, `gap without resync` (sim/README.md "Invariants"), review 23c's loss
 * (48 pushes in its plan) by another door: the tab's own open, or any handle opened on the
 * hub while it waits. Severity: high where it happens; narrow (a reload in the channel round
 * trip between the answer and the verdict, or while the owner's socket is not open).
 *
 * Seen: the tab's open answers `cursor.session` = the owner's session (its fresh one here),
 * while its events hold no cursor of it; the client, as `HubClient.#opened` does, takes it:
 * `cursors.get(name).session` is the owner's before the held verdict is delivered.
 *
 * Sim form: sim/review-24f-open-answer-before-verdict.test.ts (a mutant of review 23l's
 * owner-page-reload plan, 48 pushes lost).
 *
 * OLDER: fails the same on 906be4b (fix 23j's `#untold` had the same snapshot). A fix: while
 * `#untold` is set, `RelayPeer.cursor` for the snapshot (`SharedConnection.cursor` when
 * relaying) is the told cursor (`#untold`), or the hub answers the open without a cursor.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { StreamCursors } from '../../client/stream-cursors';
import type { RelayMessage } from '../../protocol/relay';
import type { ConnectionSnapshot, Outcome, SessionCursor } from '../../protocol/tab-hub';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { ALL, ownerOnOpenSocket, push } from '../test-support/relay-tabs';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Fixed: an open's answer carries the cursor the tabs were told (`RelayPeer.told`: while a
// `resync` verdict waits, the one before it), not the owner's session taken from its answer.
it("answers a tab's open before the owner's verdict without the owner's other session", async () => {
  const options = relayOptions('review-24f-open-answer');
  const { socket, tab: tabA } = await ownerOnOpenSocket(world, options);
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(2));

  // The owner's verdict on b's join (its catch-up, addressed to b) not read yet.
  const held: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-b' || message.kind !== 'event' || message.to === undefined) return;
    held.push(message);
    return 'lost';
  };
  const old: SessionCursor = { session: 'old-session-0123456', seq: 3, nextId: 4 };
  // The tab, as the client keeps its cursors.
  const cursors = new StreamCursors();
  cursors.tell(options.name, old);
  const { hub } = world.startHub('build-b');
  const tab = await world.attachTab(hub, 'tab-b');
  const outcome = (await tab.api.open('tab-b', options, old)) as Outcome<ConnectionSnapshot>;
  tab.api.setInterest('tab-b', options.name, ALL);
  // `HubClient.#opened`: the answer's cursor is taken as told.
  if (outcome.ok) cursors.tell(options.name, outcome.value.cursor);
  await vi.waitFor(() => expect(held.length).toBeGreaterThan(0));
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (const event of tab.events) cursors.pass(event);
  expect(tab.events.map((event) => event.kind)).not.toContain('resync');
  // A page that closes now must keep the old session's cursor.
  expect(cursors.get(options.name)?.session).toBe(old.session);
});
