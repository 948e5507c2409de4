/**
 * Review 24f of fix 24d (1744017, `OwnerMessage` owner's `resyncs`), mixed builds: a relaying
 * hub of the new build under an owner of an earlier build (every release before 24d leaves
 * `resyncs` out, as `protocol/relay.ts` says). Such an owner's verdict on a join that names a
 * cursor of another session with pushes in it is still a `resync` (its `missedBy` is the same
 * rule), posted after the answer (`builds` between). Before 24d the hub worked the verdict out
 * itself (`#untold = known.seq > 0 || …`) and told its tabs the owner's session only with it
 * (fix 23j); now it trusts the answer alone, and an answer without `resyncs` has it tell its
 * tabs the new session at once (`RelayPeer.#follow`: `else this.events.cursor(taken)`): review
 * 23c's loss is back whenever the owner is of an earlier build, a deploy's usual state (tabs
 * of the old build own the socket; reloaded pages load the new build and relay through it).
 *
 * Invariant: delivery, `gap without resync` (sim/README.md "Invariants"): a page reloaded
 * between the answer and the verdict keeps the new session's cursor (pagehide), comes back
 * owed nothing, and loses the pushes of the old session it missed in silence (review 23c's
 * sim plan lost 48). Severity: high where it happens; narrow (a deploy with the old build
 * owning, a reload between two channel messages), but no fault needed beyond a deploy and a
 * reload. The sim cannot show it: its second build runs the same code, so this test makes
 * build-a an earlier-build owner by dropping `resyncs` from its answers as build-b reads them.
 *
 * Seen: the tab of build-b is told `cursor:<owner's session>` before the held verdict is
 * delivered (`moved()` is 0, not -1).
 *
 * NEW with 1744017: passes on 906be4b (it.fails fails there: `moved()` is -1, the hub's own
 * rule holds the session back). A fix: without `resyncs` in an answer of an owner that names
 * no newer relay feature (e.g. an answer with no `resyncs` key at all from an owner whose
 * build is unknown, or a `v`/feature flag the new build adds), fall back to the peer's own
 * rule (`missesOther(known, taken)`), as before.
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

// Fixed: every answer to a join with a cursor says `resyncs` (true or false); with none (an
// earlier build's owner), the peer judges by the owner's rule, `missesOther` (`RelayPeer.#follow`).
it("under an owner of an earlier build (no `resyncs`), holds the owner's other session back till the verdict", async () => {
  const options = relayOptions('review-24f-old-owner');
  const { socket, tab: tabA } = await ownerOnOpenSocket(world, options);
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(2));

  const held: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-b') return;
    // An owner of an earlier build: its answer has no `resyncs`.
    if (message.kind === 'owner') delete (message as { resyncs?: true }).resyncs;
    // Its verdict on b's join (the catch-up addressed to b) not read yet.
    if (message.kind !== 'event' || message.to === undefined) return;
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
  // A page that closes now must keep the old session's cursor.
  expect(moved()).toBe(-1);

  world.deliver(options.name, held, 'build-b');
  await vi.waitFor(() => expect(told()).toContain('resync'));
  expect(moved()).toBeLessThan(told().indexOf('resync'));
});
