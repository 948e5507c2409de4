/**
 * What the hub tells a page back from the back/forward cache that rejoins, with its cursor,
 * while the worker's resume of a session the server lost is in flight: the pushes lost were
 * made after that cursor (they are the page's own), but the worker tells them as a `resync`
 * of the past, which a handle that first joined an open socket drops (see
 * client/resync-past-joined.test.ts, the back/forward cache case).
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed, resumeFrameOf, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const NEW_SESSION = 'session-two-0123456';
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Invariant: each push once per handle in order, or a resync before the first gap. The
// rejoining tab brought a cursor (session S, push 2) and is told the `resync`, marked `past`:
// its handle keeps it, as its open brought a cursor (`adopt` with `resumed`; the back/forward
// cache case of client/resync-past-joined.test.ts, which failed before that fix).
it('a tab rejoining with its cursor while the resume of a lost session is in flight is told the resync', async () => {
  const name = 'rejoin-past';
  const options = relayOptions(name, { reconnect: { minDelay: 5, maxDelay: 5, jitter: 0 } });
  const { hub } = world.startHub();
  const stay = await world.attachTab(hub, 'tab-stay');
  await stay.api.open('tab-stay', options);
  const page = await world.attachTab(hub, 'tab-page');
  await page.api.open('tab-page', options);
  page.api.setInterest('tab-page', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const session = resumeFrameOf(socket).session;
  socket.receive(resumed(0));
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(page.frames()).toHaveLength(2));
  const cursor: SessionCursor = { session, seq: 2, nextId: 1, numbered: true };
  // pagehide: the page leaves; the socket drops (the server restarts without its sessions).
  page.api.leave('tab-page');
  socket.drop();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const next = world.latest();
  next.accept();
  next.receive(HELLO);
  // pageshow: the page joins again with its cursor while the resume is in flight.
  await page.api.attach('tab-page', true);
  const rejoined = page.events.length;
  await page.api.open('tab-page', options, cursor, undefined, 'rejoin');
  page.api.setInterest('tab-page', name, ALL);
  next.receive(resyncOnto(NEW_SESSION));
  // The tab hears `opened`, the new session's cursor, and `resync` with `past` (no state:
  // the socket stayed open as far as the tab is told).
  await vi.waitFor(() =>
    expect(page.events.slice(rejoined).some((event) => event.kind === 'resync')).toBe(true),
  );
  const resyncs = page.events.slice(rejoined).filter((event) => event.kind === 'resync');
  expect(resyncs).toHaveLength(1);
});
