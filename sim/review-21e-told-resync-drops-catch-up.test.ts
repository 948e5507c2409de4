/**
 * Review 21e of 446db8c (`RelayPeer.#toldResync`): a relaying hub that told its tabs a
 * `resync` of its owner since its last join drops the owner's `resync` verdict on that join.
 * But a hub still joining passes no push (they are the catch-up's, `RelayPeer.#event`): the
 * pushes the owner relayed between the resync it told and its answer are in that verdict,
 * and with it dropped they are lost after the resync. Written by hand (a worker death
 * whose successor's resume is answered `resync`, pushes every 2 ms), the seed searched.
 */
import { expect, it } from 'vitest';
import { resyncAtWorkerDeath, trickle } from './resync-at-worker-death-plan';
import { runPlan } from './run';

const PLAN = resyncAtWorkerDeath(132, [...trickle(40)]);

// Invariant: delivery, after a `resync` every push made after it (`gap after resync`,
// sim/README.md "Invariants"; `lostInSilence` too: "h1 never heard p73, and no resync").
// Severity: high (a push lost in silence, after the resync the app refetched on).
// What I saw (`--history`, the drop instrumented): tab1's hub owns the socket and heard
// p1–p3 like the others; "100 kill b1/worker:build-a#3" (tab1's), p4–p51 made at once, tab0's
// hub takes the socket ("110 b1 resume S1", "130 b1 told resync"); tab1's fresh hub joins
// with its tab's cursor S1@3 (h1 owed the verdict), adopts the owner on another hub's answer
// and joins again ("139 h1 open attached"), then relays the owner's resync to its tabs
// ("143 h1 resync": `#toldResync`), drops p73 (made at 144) as the catch-up's while
// joining, and drops the owner's verdict on its join, `resync` (the owner's ring, emptied by
// the resync, `RecentFrames.gap`, has nothing at S1@4): "192 h1 got p74" — "gap after resync:
// h1 had a resync at 143, then heard p74 (at 192) without p73, pushed after it". NEW: on
// 446db8c^ no violation (the owner's ring still held p1–p3, so the verdict was the frames
// after 3 kept, p52 on, not `resync`). Not `#toldResync` alone: with its drop disabled the
// same violation (same fingerprint), as `HeardStream.resync` emptied `#owing` on the resync
// it told every tab ("what they were owed is in it") and posts the `owed` verdict to no tab.
// Both assume the told resync covers what the verdict does; it does not cover the pushes a
// joining hub withheld as the catch-up's after it. A fix: once a hub still joining told its
// tabs a resync of its owner, the pushes relayed after it are its stream (follow from there,
// and take of the catch-up only what is past them), or keep the verdict for the tabs when a
// push was withheld since the resync was told.
// Fixed (round 21): a push held back after a resync every tab heard makes the verdict on
// the join every tab's again (`RelayPeer`, `#heldBack`).
it('tells a joining hub`s tabs the pushes after a resync it relayed', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
