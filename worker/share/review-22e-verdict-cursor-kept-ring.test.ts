/**
 * Review 22e of 5485983 (the owner's cursor after a `resync` verdict): a following hub
 * whose ring still holds pushes from before the gap (NEW).
 *
 * Invariant: each push reaches every handle that wants it once, in order, or a `resync`
 * comes before the first gap (`gap without resync`, sim/README.md "Invariants").
 * Severity: high where it happens (the gap's pushes lost in silence for a reloaded page);
 * needs a takeover whose announcement reaches a relaying hub after the new owner's
 * in-session `resync`, and a page of that hub that left before the verdict reached it.
 *
 * What happens: b's hub follows a's and keeps p1–p3 in its ring (`RecentFrames`). a dies;
 * c's hub takes the socket, and the server answers `resync` at 50 (a gap in the session):
 * c's ring starts after it, and b, whose copy of c's announcement is late, hears nothing of
 * that resync. b then joins c with S@3; c's verdict is `resync` (to b's tabs: `owed`, which
 * marks no gap in b's ring) and, since 5485983, its cursor S@50, which b takes (`past`).
 * A page that left b before the verdict (its pagehide saved S@3) comes back: b follows, so
 * its `sync` join names S@50 (c's verdict on it: nothing), and b's own catch-up,
 * `RecentFrames.missedBy(S@3, S@50)`, finds p1–p3 kept, none past 3: an empty catch-up.
 * The page hears `opened, frames:[], frames:[51]`, no resync: p4–p50 lost in silence.
 * b's own tab heard `resync, cursor:50, frames:51`.
 *
 * NEW with 5485983: on cfa95b3 (and 5072181) b's cursor stays S@3, its `sync` join names
 * it, c's verdict on that is `resync` again, owed to the page: it hears `opened, resync,
 * frames:[51]` and the test passes (b's first tab hears the resync twice there: review
 * 21f's joined-after-resync, which 5485983 fixed). The fix's premise, "a tab that comes
 * back from before the gap is told `resync` by the hub's own catch-up", holds only for a
 * hub whose ring is empty (a fresh worker, review 22d's plan). A fix: an owed verdict of
 * `resync` that moves the hub's cursor (`past`) marks a gap in its ring
 * (`RecentFrames.gap`), as a live resync does, so a cursor before it is `resync`.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed, resumeFrameOf, resync } from '../test-support/connection-harness';
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

it.fails('tells a page reloaded before the verdict reached its hub the resync, when the hub kept pushes from before the gap', async () => {
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
  // c's takeover announcement reaches b late (lagging channels): b hears nothing of c till then.
  const late: RelayMessage[] = [];
  let holding = true;
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-b' || !holding || message.kind !== 'owner') return undefined;
    late.push(message);
    return 'lost';
  };
  a.kill();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const next = world.latest();
  next.accept();
  next.receive(HELLO);
  // The server kept too little: the session goes on at 50, past a gap. c's tabs hear the
  // resync; b, which does not follow c yet, does not.
  next.receive(resync(50));
  await vi.waitFor(() => expect(c.tab.events.map((event) => event.kind)).toContain('resync'));
  await vi.waitFor(() => expect(late.length).toBeGreaterThan(0));
  holding = false;
  delete world.hooks.relayReceived;
  world.deliver(name, late, 'build-b');
  // b joins c with its cursor S@3: c's verdict is `resync` (its ring starts after the gap),
  // told b's tab; since 5485983, c's cursor S@50 follows it.
  await vi.waitFor(() => expect(b.tab.events.map((event) => event.kind)).toContain('resync'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  // A page of b's that left before the verdict reached it (its pagehide saved S@3) comes back.
  const cursor: SessionCursor = { session, seq: 3, nextId: 1, numbered: true };
  const reloaded = await world.attachTab(b.hub, 'tab-reloaded');
  await reloaded.api.open('tab-reloaded', relayOptions(name), cursor, undefined, 'login');
  reloaded.api.setInterest('tab-reloaded', name, ALL);
  next.receive(push(51));
  await vi.waitFor(() => expect(reloaded.frames().map((frame) => frame.seq)).toContain(51));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const kinds = reloaded.events.map((event) =>
    event.kind === 'frames' ? `frames:${event.frames.map((frame) => frame.seq)}` : event.kind,
  );
  const afterOpened = kinds.slice(kinds.lastIndexOf('opened'));
  const first = afterOpened.findIndex((kind) => kind.startsWith('frames'));
  expect(afterOpened.slice(0, first)).toContain('resync');
});
