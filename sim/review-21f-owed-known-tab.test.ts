/**
 * Review 21f of 52ec556 (`Hub.open` now `owe`s every tab that comes with a cursor to a
 * relaying hub, `SharedConnection.owe`): a tab that comes back to a hub that relays and
 * FOLLOWS its owner already is owed the owner's verdict on the join `Hub.open` makes for it
 * (`SharedConnection.sync`, with the hub's cursor, not the tab's). That verdict is on the
 * hub's position: when the hub's cursor is behind a gap its tabs heard of already (see
 * sim/review-21f-joined-after-resync.test.ts: a hub whose join the owner answered after its
 * in-session resync keeps the `seq` before it), the owner answers `resync` and the tab that
 * came back is told it again, though it missed nothing. Written by hand (a SharedWorker of
 * build b relaying, killed as its owner's resume is answered `resync`).
 */
import { expect, it } from 'vitest';
import type { Plan, TimedStep } from './faults';
import { runPlan } from './run';

const push = (wait: number, count: number): TimedStep => ({
  wait,
  aim: false,
  step: { kind: 'push', user: 0, topic: 0, count },
});

const PLAN: Plan = {
  seed: 3,
  browsers: [{ sharedWorkers: true, channelLag: true }],
  steps: [
    // tab0 (build a) owns the socket; tab1 (build b) relays through its own worker.
    { wait: 20, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    push(40, 3),
    { wait: 30, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    // More than the log keeps (`SIM_REPLAY.maxCount`, 40): the resume is answered `resync`.
    push(5, 48),
    // Build b's worker dies as that resync is on its way to it.
    { wait: 110, aim: false, step: { kind: 'kill-worker', pick: 1 } },
    // A second tab of build b (no cursor) keeps the fresh worker alive across the reload.
    { wait: 390, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 1000, aim: false, step: { kind: 'reload-tab', pick: 1 } },
    push(300, 1),
  ],
  choices: [],
};

// Invariant: no spurious resync (sim/README.md "Invariants"). Severity: low (the reloaded
// page's app refetches for nothing; no push is lost or doubled).
// What I saw (`--history`, and `RelayPeer.join` instrumented): p1–p3 heard; "99 b1 browser
// socket 5 closed", p4–p51 made while it is down; "187 b1 resume S1", "191 b1 told resync",
// "194 h1 resync"; "205 kill b1/worker:build-b#7": tab1 comes back to a fresh build-b worker
// with its cursor S1@3, whose hub joins with it after the owner posted its resync and its
// cursor S1@51 (not a receiver yet); "246 h2 open attached", "251 h2 resync" (the verdict,
// owed to tab1: right). The hub follows with S1@3 (`#follow` keeps its own `seq` in the
// session, and the verdict moves nothing), and every later join of it says S1@3. "595 tab2
// opens" (no cursor, nothing owed); "1595 close b1/tab1#6", "open b1/tab1#18" with S1@3
// (saved): a known entry that relays, so `sync` joins again with S1@3 and `owe(tab1)`; the
// owner's ring, emptied by the gap (`RecentFrames.gap`), answers `resync`, owed to tab1:
// "1628 h4 resync" — "spurious resync: h2 (all) got resync at 1628: it missed nothing, and
// the server said none to b1 since 251".
// NEW: on 52ec556^ no violation (fingerprint daaeaa4a7e3fa990): a tab that came to a known
// entry was not owed, and its catch-up from the hub's own stream (S1@3 against S1@3) was
// nothing. The same on 52ec556 with only `Hub.open`'s `owe` put back to a new entry (`cursor
// && !known`). A fix: owe a tab that comes to a hub that follows already nothing of the
// owner's verdict on the hub's cursor (its catch-up is the hub's own to give: `owe` only
// while the hub's own join is unanswered, `peer.answered` read before `sync` joins again,
// or while the peer is `joining`), or have the hub's cursor move past the gap (the other
// finding's fix), or both.
// Fixed (round 21): a tab is owed the verdict only while its relaying hub does not follow
// its owner yet (`RelayPeer.following`; `answered` was reset by the join `sync` posts).
it('does not tell a tab that comes back to a following relaying hub a resync it heard', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
