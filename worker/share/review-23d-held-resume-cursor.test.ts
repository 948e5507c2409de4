/**
 * Review 23d of d6d1806 (`RelayPeer.#moved`): a relaying hub holds back its owner's cursor
 * of a newer session (a higher `epoch`) until the owner's next word. That next word is the
 * `resync` when the cursor is a server's resync onto a new id (review 22f), but not when the
 * cursor is the one the owner tells as it writes the first resume of a fresh session of a
 * new epoch (`WireLink.#startResume`, after a refused resume or `#ambiguous` left the old
 * id): the resync went before, with the fresh cursor the hub declined (`#merged` keeps its
 * tabs' cursor over an owner's fresh session), and on a quiet stream the owner may say
 * nothing more for minutes. Until then the hub's tabs, which heard the resync, stay on the
 * session they were told is gone, and a worker death or a reload in that window is told the
 * resync again.
 *
 * Invariant: no spurious resync (sim/README.md "Invariants": one loss asks for one `resync`).
 * Severity: low (nothing lost; the app refetches a second time). Worse when the owner dies
 * in the window: the relaying hub takes the lock on its cursor of the refused session, whose
 * resume is refused again, and every tab (the dead owner's too, at the new session's pushes)
 * resyncs instead of the new session being replayed (not tested here).
 *
 * What happens: hub a owns S1, hub b (build b) relays; p1 reaches both. The socket drops;
 * the server refuses the resume (`invalid-session`): a leaves S1 for a fresh S3 (epoch 1),
 * b declines S3's fresh cursor and tells tab-b the resync. The next socket's hello: a writes
 * S3's resume and tells its cursor (S3:0, epoch 1, no longer fresh), which b holds back; the
 * server answers `resumed` and pushes nothing. tab-b's events end "cursor:S1:1 resync
 * state:open" with no cursor of S3. b's worker dies; tab-b rejoins from S1:1 and is told
 * `resync` again (the owner's verdict on a cursor of another session). The same with the
 * change's own trigger: a numbered cursor past the server's head (`#ambiguous`) in place
 * of the refusal.
 *
 * NEW with d6d1806: on f4acb22 tab-b is told S3:0 as a's resume goes out, and its rejoin
 * hears nothing. A fix: hold back only a cursor that a resync of the same session follows
 * (`WireLink.#resynced` could tell the resync first), or take a held cursor whose session is
 * the one the hub declined fresh (`#declined`) at once.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { SessionCursor, TabEvent } from '../../protocol/tab-hub';
import { HELLO, handshake, NONCE, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });
const REFUSED = JSON.stringify({
  $ts: 'error',
  code: 'invalid-session',
  message: 'no',
  nonce: NONCE,
});

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** The cursor a tab holds: the last it was told, moved by the pushes it heard since. */
function tabCursor(events: readonly TabEvent[]): SessionCursor | undefined {
  let cursor: SessionCursor | undefined;
  for (const event of events) {
    if (event.kind === 'cursor') cursor = event.cursor;
    if (event.kind !== 'frames' || !cursor) continue;
    for (const frame of event.frames) {
      if (frame.seq !== undefined) cursor = { ...cursor, seq: frame.seq };
    }
  }
  return cursor;
}

// Fixed: the fresh session's cursor, followed by the owner's resync, is taken over the tabs'
// (`RelayPeer.#takeCursor` with `over`), so the resume's cursor of it is of the same epoch and
// not held back.
it('tells a relaying hub’s tabs the fresh session its owner resumes after a resync', async () => {
  const name = 'r23d-held-resume-cursor';
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

  // The server refuses the next resume: a goes on under a fresh session, every tab resyncs.
  socket.drop();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  second.receive(REFUSED);
  await vi.waitFor(() => expect(tabB.events.some((event) => event.kind === 'resync')).toBe(true));

  // The fresh session's resume goes out and is answered; the stream is quiet.
  await vi.waitFor(() => expect(world.sockets).toHaveLength(3));
  const third = world.latest();
  third.accept();
  third.receive(HELLO);
  third.receive(resumed(0));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const session = tabA.api.inspect(name)?.cursor?.session;
  expect(tabCursor(tabA.events)?.session).toBe(session);

  // b's worker dies; tab-b rejoins from the cursor it holds.
  const cursor = tabCursor(tabB.events);
  b.kill();
  const b2 = world.startHub('build-b');
  const tabB2 = await world.attachTab(b2.hub, 'tab-b', { back: true });
  await tabB2.api.open('tab-b', options, cursor, undefined, 'rejoin');
  tabB2.api.setInterest('tab-b', name, ALL);
  await new Promise((resolve) => setTimeout(resolve, 50));

  // tab-b heard the resync and missed nothing since: it is told none again.
  expect(cursor?.session).toBe(session);
  expect(tabB2.events.filter((event) => event.kind === 'resync')).toEqual([]);
});
