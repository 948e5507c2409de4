/**
 * Review 24f of fix 24d (1744017), `RelayOwner`'s `#sparing`: an owner that takes up a
 * rejoin's session over its own (`WireLink.learn`) tells every peer `resync` but the hub
 * whose join brought the cursor. Another hub whose tabs are on that very session (it joined
 * before, with a new login's cursor, which an owner does not take up: a reloaded page's hub)
 * is not spared: its tabs missed nothing, and hear the resync.
 *
 * Invariant: no spurious resync (sim/README.md "Invariants"). Severity: low (nothing lost; the
 * app refetches once). Found by reading; no sim plan.
 *
 * Seen: the owner (build a) took the socket from its tab's cursor S2:3 and has not written a
 * resume (its socket not open yet). Hub b's tab comes with a reloaded page's cursor of R (the
 * renewed login's session, epoch 1, at 0, numbered): its join is a new login's, so the owner
 * keeps S2 and answers with `resyncs` (b waits: `#untold` = R:0). Hub c's tab rejoins (its
 * worker died) with the same cursor of R: the owner takes R up, over S2, which had pushes, and
 * tells `resync` sparing c. Hub b's tab hears the owner's cursor of R (the session it is on)
 * and the resync; once the owner's socket resumes R, the verdict on b's join is nothing. b's
 * tab got one resync and missed nothing.
 *
 * NEW with 1744017: on 906be4b the owner tells no resync on taking up the rejoin's session,
 * and b's tab hears none (it.fails fails there). A fix: spare every peer whose last join named
 * the session taken up (the owner knows each peer's joined cursor), not only the one that
 * brought it; or tell the resync only to the peers that joined with the session left.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { ALL } from '../test-support/relay-tabs';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it.fails('tells no resync to a peer whose tabs are on the rejoin session the owner takes up', async () => {
  const options = relayOptions('review-24f-spared-one');
  const left: SessionCursor = { session: 'S2-left-0123456789', seq: 3, nextId: 4, numbered: true };
  const renewed: SessionCursor = {
    session: 'R-renewed-0123456789',
    seq: 0,
    nextId: 65,
    epoch: 1,
    numbered: true,
  };
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', options, left);
  tabA.api.setInterest('tab-a', options.name, ALL);
  const socket = world.latest();

  // b: a reloaded page's hub (a new login's open, with its pagehide cursor of R).
  const b = world.startHub('build-b');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabB.api.open('tab-b', options, renewed);
  tabB.api.setInterest('tab-b', options.name, ALL);
  await new Promise((resolve) => setTimeout(resolve, 20));

  // c: a fresh worker's tab, rejoining with R.
  const c = world.startHub('build-c');
  const tabC = await world.attachTab(c.hub, 'tab-c');
  await tabC.api.open('tab-c', options, renewed, undefined, 'rejoin');
  tabC.api.setInterest('tab-c', options.name, ALL);
  await new Promise((resolve) => setTimeout(resolve, 20));

  // The owner's socket opens and resumes R.
  socket.accept();
  socket.receive(HELLO);
  const resume = JSON.parse(String(socket.sent[0])) as { session: string };
  expect(resume.session).toBe(renewed.session);
  socket.receive(resumed(0));
  await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(tabB.events.map((event) => event.kind)).not.toContain('resync');
});
