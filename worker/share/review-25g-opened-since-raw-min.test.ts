/**
 * Review 25g, of 25b's dates read as the clock stands (89430bc). Not every comparison of
 * dates goes through `before`: `RelayPeer.openedSince` keeps the earlier of its tabs' opens
 * by a plain `<`. A relaying hub whose first cursorless tab opened at T (before a step back
 * of the clock) and whose second opens at T - 980 (after a 1 s step, while the hub's join
 * still waits for the owner's answer) re-joins saying `since` T - 980, and the owner's
 * catch-up (`RecentFrames.heardSince`, which reads T + 5 as a date of before the step and
 * T - 1000 as before T - 980) leaves out every push heard between the first tab's open and
 * the second's: pushes the first tab wants and never hears. As read (`before`), T is before
 * T - 980 and should have stayed (the answer to the first join, which says T, has them; the
 * hub drops it for the answer to the join posted since).
 *
 * Invariant: Delivery (sim/README.md "Invariants"): pushes heard by the socket after a
 * cursorless tab opened, never heard by it and no `resync` (the tab is told the cursor at p2
 * and hears p3 next: the checker's `lostInSilence`, and a gap if it had heard one before).
 * Severity: high where it happens (silent loss), narrow: a step back of the browser's clock
 * while a relaying hub's join waits for the owner's answer (a lagging channel, or the owner
 * busy), and a second tab of that hub opened after the step in that time.
 * What I saw: joins say since T then T - 980; tab-1 hears `cursor seq 2`, then `[p3]`
 * (not p1, heard at T + 5, nor p2, heard at T - 1000).
 * NEW with 89430bc: on 3f7d0c3 the owner dates p2 `max(#lastAt, now)` = T + 5, the join's
 * since is the same T - 980, and the catch-up has p1 and p2 (the test passes there).
 * A fix: `openedSince` keeps the earlier by `before(at, this.since, now)`.
 * Fixed: it does, read at the hub's clock (`before(at, since, now)`).
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });
const T = 1_700_000_000_000;

let world = hubWorld();
afterEach(() => {
  vi.restoreAllMocks();
  world.dispose();
  world = hubWorld();
});

it("delivers to a relaying hub's first tab the pushes heard after its open, when a second tab opens after a step back", async () => {
  const name = 'review-25g-opened-since-raw-min';
  const spy = vi.spyOn(Date, 'now').mockReturnValue(T - 5000);
  // Hub A owns the socket.
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name), undefined, undefined, 'login', T - 5000);
  tabA.api.setInterest('tab-a', name, ALL);
  const { socket } = handshake(world.latest());
  await vi.waitFor(() => expect(tabA.states().at(-1)).toMatch(/^open:/));
  // Hub B's joins wait on a lagging channel (held here, handed over in order below).
  const joins: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-a' || message.kind !== 'join') return undefined;
    joins.push(message);
    return 'lost';
  };
  // tab-1 opens on hub B at T without a cursor; A hears p1 at T + 5.
  spy.mockReturnValue(T);
  const b = world.startHub('build-b');
  const tab1 = await world.attachTab(b.hub, 'tab-1');
  void tab1.api.open('tab-1', relayOptions(name), undefined, undefined, 'login', T);
  tab1.api.setInterest('tab-1', name, ALL);
  await vi.waitFor(() => expect(joins.length).toBe(1));
  spy.mockReturnValue(T + 5);
  socket.receive(push(1));
  // The clock steps back a second: A hears p2 at T - 1000.
  spy.mockReturnValue(T - 1000);
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(2));
  // tab-2 opens on hub B at T - 980: B joins again, since T, the earlier as read (seen on
  // 89430bc: since T - 980).
  spy.mockReturnValue(T - 980);
  const tab2 = await world.attachTab(b.hub, 'tab-2');
  void tab2.api.open('tab-2', relayOptions(name), undefined, undefined, 'login', T - 980);
  tab2.api.setInterest('tab-2', name, ALL);
  await vi.waitFor(() => expect(joins.length).toBe(2));
  expect(joins.map((join) => (join as { since?: number }).since)).toEqual([T, T]);
  // The channel brings both joins to A.
  delete world.hooks.relayReceived;
  world.deliver(name, joins, 'build-a');
  await new Promise((resolve) => setTimeout(resolve, 100));
  spy.mockReturnValue(T - 900);
  socket.receive(push(3));
  await vi.waitFor(() => expect(tab1.frames().some((frame) => frame.seq === 3)).toBe(true));
  // Seen on 89430bc: [3] (told the cursor at p2 first, no resync).
  expect(tab1.frames().map((frame) => frame.seq)).toEqual([1, 2, 3]);
  expect(tab1.events.some((event) => event.kind === 'resync')).toBe(false);
});
