/**
 * Review 22e of 5485983 (the owner's cursor after a `resync` verdict): a following hub
 * whose ring still holds pushes from before the gap (NEW).
 *
 * Invariant: each push reaches every handle that wants it once, in order, or a `resync`
 * comes before the first gap (`gap without resync`, sim/README.md "Invariants").
 * Severity: high where it happens (the gap's pushes lost in silence for a reloaded page);
 * needs a takeover during a busy second (more pushes than the new owner's ring keeps, 256,
 * while the relaying hub's join lags) and a page of that hub that left before the verdict.
 *
 * What happens: b's hub follows a's and keeps p1–p3 in its ring (`RecentFrames`). a dies;
 * c's hub (first in the lock's queue) resumes S@3; b adopts it on its takeover and joins
 * with S@3, but c reads that join only after p4–p303, which b holds back (joining): c's
 * ring keeps p48–p303, and its verdict on S@3 is `resync`, then (since 5485983) its cursor
 * S@303. b tells its tab the resync (an owed verdict: `HeardStream.resync('owed')` marks no
 * gap in b's ring) and takes the cursor (`RelayPeer.#event` 'cursor', `past`). A page that
 * left b before the verdict reached it (its pagehide saved S@3) comes back: b follows, so
 * its `sync` join names S@303 (c's verdict on it: nothing), and b's own catch-up,
 * `RecentFrames.missedBy(S@3, S@303)`, finds p1–p3 kept and none past 3: an empty
 * catch-up. The page hears `opened, frames:[], frames:[304]`, no resync: p4–p303 lost in
 * silence. b's first tab heard `resync, cursor:303, frames:304`.
 *
 * NEW with 5485983: on cfa95b3 and on 5072181 b's cursor stays S@3, its `sync` join names
 * it, c's verdict on that is `resync` again, owed to the page, which hears `opened,
 * resync, frames:[304]` (the test passes there; b's first tab hears the resync twice:
 * review 21f's joined-after-resync, which 5485983 fixed). The fix's premise, "a tab that
 * comes back from before the gap is told `resync` by the hub's own catch-up", holds only
 * for a hub whose ring is empty (a fresh worker: review 22d's plan). A fix: a `resync`
 * verdict that moves the hub's cursor past its own (`past`) marks a gap in its ring
 * (`RecentFrames.gap`), as a live resync does, so a cursor before it is answered `resync`.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  delete world.hooks.relayReceived;
  world = hubWorld();
});

async function openTab(build: string, tabId: string, name: string) {
  const { hub, kill } = world.startHub(build);
  const tab = await world.attachTab(hub, tabId);
  const opened = tab.api.open(tabId, relayOptions(name));
  tab.api.setInterest(tabId, name, ALL);
  return { hub, kill, tab, opened };
}

// Fixed: a following hub that takes the owner's cursor past a gap (`past`) marks that gap
// in its ring (`HeardStream.cursor`), as a resync told every tab does.
it('tells a page reloaded before the verdict reached its hub the resync, when the hub kept pushes from before the gap', async () => {
  const name = 'verdict-cursor-kept-ring';
  const a = await openTab('build-a', 'tab-a', name);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  await a.opened;
  // c's hub queues for the lock first, b's next; both follow a's.
  const c = await openTab('build-c', 'tab-c', name);
  await c.opened;
  const b = await openTab('build-b', 'tab-b', name);
  await b.opened;
  for (const seq of [1, 2, 3]) socket.receive(push(seq));
  await vi.waitFor(() => expect(b.tab.frames().map((frame) => frame.seq)).toEqual([1, 2, 3]));
  await vi.waitFor(() => expect(c.tab.frames()).toHaveLength(3));
  const { session } = resumeFrameOf(socket);
  // b's join to its next owner lags (lagging channels): c reads it after a busy second.
  const joins: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-c' || message.kind !== 'join' || message.build !== 'build-b') {
      return undefined;
    }
    joins.push(message);
    return 'lost';
  };
  a.kill();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const next = world.latest();
  next.accept();
  next.receive(HELLO);
  next.receive(resumed(3));
  // b adopted c on its takeover and joins it with S@3; meanwhile c hears and relays
  // p4–p303, more than its ring keeps (256), which b, joining, holds back.
  await vi.waitFor(() => expect(joins.length).toBeGreaterThan(0));
  for (let seq = 4; seq <= 303; seq += 1) next.receive(push(seq));
  await vi.waitFor(() => expect(c.tab.frames()).toHaveLength(303));
  delete world.hooks.relayReceived;
  world.deliver(name, joins, 'build-c');
  // c's verdict on S@3 is `resync` (its ring starts at p48), told b's tab; since 5485983,
  // c's cursor S@303 follows it.
  await vi.waitFor(() => expect(b.tab.events.map((event) => event.kind)).toContain('resync'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  // A page of b's that left before the verdict reached it (its pagehide saved S@3) comes back.
  const cursor: SessionCursor = { session, seq: 3, nextId: 1, numbered: true };
  const reloaded = await world.attachTab(b.hub, 'tab-reloaded');
  await reloaded.api.open('tab-reloaded', relayOptions(name), cursor, undefined, 'login');
  reloaded.api.setInterest('tab-reloaded', name, ALL);
  next.receive(push(304));
  await vi.waitFor(() => expect(reloaded.frames().map((frame) => frame.seq)).toContain(304));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const kinds = reloaded.events.map((event) =>
    event.kind === 'frames' ? `frames:${event.frames.map((frame) => frame.seq)}` : event.kind,
  );
  const afterOpened = kinds.slice(kinds.lastIndexOf('opened'));
  const first = afterOpened.findIndex((kind) => kind.startsWith('frames'));
  expect(afterOpened.slice(0, first)).toContain('resync');
});
