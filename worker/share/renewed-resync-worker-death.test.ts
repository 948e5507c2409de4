/**
 * Review 22f's renewed-login resync (sim/review-22f-renewed-resync-unheard.test.ts): a
 * server's `resync` onto a new id reaches the owner's tabs as the new session's cursor,
 * then the resync, in one task (`WireLink.#resynced`); the owner relays them as two channel
 * messages, and a relaying hub whose worker dies between the two left its tabs on the new
 * session without the resync: their rejoin named the new session, which missed nothing, and
 * the pushes the server lost were lost in silence. A hub tells its tabs a newer session's
 * cursor only with the owner's next word (its resync), so a tab hears both or neither.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, handshake, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const NEW_SESSION = 'session-two-0123456';
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('a relaying hub that dies between the owner’s new-session cursor and its resync told its tabs neither', async () => {
  const name = 'renewed-resync-death';
  const options = relayOptions(name, { reconnect: { minDelay: 5, maxDelay: 5, jitter: 0 } });
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', options);
  tabA.api.setInterest('tab-a', name, ALL);
  const b = world.startHub('build-b');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabB.api.open('tab-b', options);
  tabB.api.setInterest('tab-b', name, ALL);
  const { socket } = handshake(world.latest());
  socket.receive(push(1));
  await vi.waitFor(() => expect(tabB.frames()).toHaveLength(1));

  // b's worker dies once it read the owner's cursor of the new session: what came after
  // (the resync) never reaches it.
  let dead = false;
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-b') return undefined;
    if (dead) return 'lost';
    const { event } = message as { event?: { kind: string; cursor?: { session: string } } };
    if (event?.kind === 'cursor' && event.cursor?.session === NEW_SESSION) {
      dead = true;
      setTimeout(b.kill);
    }
    return undefined;
  };
  socket.drop();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const next = world.latest();
  next.accept();
  next.receive(HELLO);
  next.receive(resyncOnto(NEW_SESSION));
  await vi.waitFor(() => expect(tabA.events.some((event) => event.kind === 'resync')).toBe(true));
  await vi.waitFor(() => expect(dead).toBe(true));
  await new Promise((resolve) => setTimeout(resolve, 20));

  // The tab's rejoin brings the cursor it was told last: of the new session only if it
  // heard the resync too.
  const told = tabB.events.map((event) =>
    event.kind === 'cursor' ? `cursor:${event.cursor.session}` : event.kind,
  );
  const moved = told.indexOf(`cursor:${NEW_SESSION}`);
  if (moved >= 0) expect(told.slice(moved)).toContain('resync');
});
