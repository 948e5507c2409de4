/**
 * Review 21g of 1dddfe6 (`RelayPeer.#heldBack` no longer cleared by `join()`): a joining hub
 * that told its tabs its owner's resync and held back a push after it makes the owner's
 * verdict on its join every tab's (right). But the flag now lasts till the hub passes its
 * owner's next push as its own: when no push comes after that verdict, a later join of the
 * hub while it FOLLOWS (`SharedConnection.sync` for a second handle) is answered `resync`
 * again (the hub's cursor stays before the gap: sim/review-21f-joined-after-resync.test.ts),
 * and that verdict, with `#heldBack` still set, goes to every tab again. A mutation of
 * review 21e's plan (sim/review-21e-told-resync-drops-catch-up.test.ts): the pushes stop
 * after 22 (p73 the last, held back), a second handle in tab1 60 ms later, two pushes after.
 */
import { expect, it } from 'vitest';
import { pushes, resyncAtWorkerDeath, trickle } from './resync-at-worker-death-plan';
import { runPlan } from './run';

const PLAN = resyncAtWorkerDeath(132, [
  ...trickle(22),
  // tab1's hub follows by now, with `#heldBack` set and no push passed since its verdict.
  { wait: 60, aim: false, step: { kind: 'second-handle', pick: 1, interest: 0 } },
  pushes(300, 1),
  pushes(300, 1),
]);

// Invariant: no spurious resync (sim/README.md "Invariants"). Severity: low (the app
// refetches for nothing; nothing lost or doubled: the pushes after are heard).
// What I saw (`--history`): as in review 21e's plan, "130 b1 told resync", tab1's fresh hub
// (joining) tells "143 h1 resync" (`#toldResync`) and holds back p73 (`#heldBack`); the
// verdict on its join, `resync`, goes to every tab: "184 h1 resync" (right: p73 is in it).
// The hub follows with S1@3 and no push comes. "204 handle h4 h4 b1/tab1#2": `sync` joins
// again with S1@3, the owner answers `resync`, and with `#heldBack` still set it is every
// tab's: "236 h1 resync", "236 h4 resync" — "spurious resync: h1 (all) got resync at 236: it
// missed nothing, and the server said none to b1 since 184" (and h4's, "since 204").
// NEW: on 1dddfe6^ no violation (fingerprint fedf1fe7591f0e2e; `join()` cleared `#heldBack`).
// The same with the second handle at +120 ms, and in tab2 after 18 pushes (`pick: 2`,
// +20 ms); 8 of 180 mutations (count 18–24, a tab closed, reloaded, its socket dropped, its
// worker killed, a second handle) differ from 1dddfe6^, all this spurious resync.
// A fix: clear `#heldBack` (and `#toldResync`) as the verdict it was for is told (the owed
// `resync` on the join that was pending when the push was held back), or when the hub
// follows and joins again; or move a following hub's cursor past the gap its verdict told
// (review 21f's joined-after-resync), so that the later join is answered with nothing.
// Fixed (round 21): the owner's verdict on the last join ends what the flags were for
// (`RelayPeer`: `#heldBack` and `#toldResync` cleared once it is told).
it('does not tell a second handle`s join verdict to every tab again', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
