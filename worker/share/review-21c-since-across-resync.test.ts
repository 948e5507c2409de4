/**
 * Review 21c (an attack on 114a389, a cursorless join's `since` catch-up,
 * `RelayOwner.#joinSince`, `RecentFrames.heardSince`): the owner's ring answers `resync`
 * only when a frame heard since `since` gave way to a newer one (`#droppedAt`). What the
 * owner's own stream lost after `since` is not counted: a `resync` the server told the
 * owner within its session (pushes its replay log no longer held), or a new session
 * (`follow` empties the ring and forgets `#droppedAt`). The joining hub, no peer yet, heard
 * neither the owner's `resync` nor the pushes, and its catch-up says nothing of them.
 *
 * Invariant (sim/README.md "Invariants", Delivery): each push reaches every handle that
 * wants it, or a `resync` comes before the first gap.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resync, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { ownerWithLateJoin } from '../test-support/late-join';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

async function tabOf(build: string, tabId: string, name: string) {
  const { hub } = world.startHub(build);
  const tab = await world.attachTab(hub, tabId);
  await tab.api.open(
    tabId,
    relayOptions(name, { reconnect: { minDelay: 5, maxDelay: 5, jitter: 0 } }),
  );
  tab.api.setInterest(tabId, name, ALL);
  return tab;
}

/**
 * The owner's socket open on its session; a tab opens on a second hub whose join the owner
 * reads only after `meanwhile` (a lagging channel); the owner hears push 1 of its session
 * in between, then its socket drops and the next one's resume is answered with `answer`,
 * then push `next` comes. Returns the relaying tab, once its hub follows.
 */
async function joinReadAfter(name: string, answer: string, next: number) {
  const { owner, socket, peer, deliver } = await ownerWithLateJoin(world, name, tabOf);
  socket.receive(push(1));
  await vi.waitFor(() => expect(owner.frames()).toHaveLength(1));
  socket.drop();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const again = world.latest();
  again.accept();
  again.receive(HELLO);
  again.receive(answer);
  again.receive(push(next));
  await vi.waitFor(() => expect(owner.frames()).toHaveLength(2));
  // The owner's own tab was told: it heard push 1, a resync, push `next`.
  expect(owner.events.some((event) => event.kind === 'resync')).toBe(true);
  deliver();
  await vi.waitFor(() => expect(peer.states().at(-1)).toMatch(/^open:/));
  again.receive(push(next + 1));
  await vi.waitFor(() => expect(peer.frames().map((frame) => frame.seq)).toContain(next + 1));
  return peer;
}

/** The seqs the tab heard, with `resync` where it was told one. */
function heard(tab: { events: Array<{ kind: string; frames?: Array<{ seq?: number }> }> }) {
  return tab.events.flatMap(
    (event): Array<number | undefined | 'resync'> =>
      event.kind === 'frames'
        ? (event.frames ?? []).map((frame) => frame.seq)
        : event.kind === 'resync'
          ? ['resync']
          : [],
  );
}

// Severity: medium (a push applied past a gap, no resync: the app's state silently misses
// pushes 2–4). What I saw: the relaying tab hears [1, 5, 6]: the owner's catch-up from
// `since` holds push 1 and push 5 (the ring, [1, 5], has lost nothing it knows of), its
// answer's cursor stands at 0, and the owner's `resync` went to its peers when it had none.
// In the simulation the checker calls this `gap without resync` (one stream, pushes 1 and
// 5 heard, 2–4 not). NEW: on 33fdbaf the tab heard [6] alone (its stream began at the
// owner's answer, 1–5 lost in silence, `lostInSilence` only), so no push past a gap; that
// silent loss is OLDER, and the tab should be told `resync` (the second test's fix, a
// server `resync` counted as a drop in the ring, gives it here too).
// Fixed (round 21): a resync the owner heard (not one join's verdict) counts as a gap in
// what it kept (`RecentFrames.gap`): a join whose `since` is before it is answered `resync`,
// and a hub that told its tabs the owner's resync since its join drops that verdict.
it('tells a tab that joined across an in-session resync of its owner `resync` before the push past the gap', async () => {
  const peer = await joinReadAfter('review-21c-in-session', resync(4), 5);
  const seqs = heard(peer);
  const firstResync = seqs.indexOf('resync');
  // Every push heard before any resync follows the one before it.
  const before = (firstResync < 0 ? seqs : seqs.slice(0, firstResync)) as number[];
  for (let i = 1; i < before.length; i++) expect(before[i]).toBe((before[i - 1] ?? 0) + 1);
});

// Severity: medium (pushes of the old session made after the tab opened are lost in
// silence). What I saw: the relaying tab hears [1, 2] of the new session, no resync: the
// owner's `cursor` event for the new session (`HeardStream.cursor`) made its ring follow
// it, which empties the ring and forgets `#droppedAt`, so `heardSince` finds nothing lost.
// Push 1 of the old session, heard by the owner after the tab opened, never reaches it.
// The simulation's checker cannot see this one (the gap rule compares a handle's pushes
// of one stream; `lostInSilence` needs a later push of the lost one's session). OLDER in
// effect: on 33fdbaf the tab lost push 1 the same way (no catch-up at all); the new
// `since` catch-up, which is to cover exactly these pushes, does not.
// Fixed (round 21): as the first; the new session's cursor empties the ring, and the resync
// after it marks the gap.
it('tells a tab that joined across its owner`s move to a new session `resync`', async () => {
  const peer = await joinReadAfter('review-21c-new-session', resyncOnto('session-two-0123456'), 1);
  expect(heard(peer)).toContain('resync');
});
