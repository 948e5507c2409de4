/**
 * Review 22d of 7d97537: a loss the fix leaves (OLDER). Mutation of
 * sim/review-21g-reload-behind-sync.test.ts: the kill 10 ms later (180 after the burst:
 * just after the owner's resume was answered `resync`, before the killed worker relayed it),
 * the reload 45 ms after it. Kill 190 with the same reload fails the same.
 *
 * Invariant: every push once, in order, or a `resync` before the first gap (`gap without
 * resync`, sim/README.md "Invariants"). Severity: high (48 pushes lost in silence for the
 * reloaded page's lineage).
 *
 * What I saw (`--history`, and a temporary log in `Hub.open`, `HeardStream.resync`/`owe`):
 * "274 b1 told resync"; "275 kill b1/worker:build-b#8" (h2, h3 "connecting worker-lost");
 * the fresh build-b hub opens h3's and h2's tabs with cursor S1@3, both owed
 * (`SharedConnection.owe`), and at 302 follows its owner (the owner's answer came; its
 * catch-up for the hub's cursor S1@3, a `resync`, is still on the lagging channel). "320
 * close b1/tab2#7" (h2's page reloads: its tab is forgotten, `owing` loses it), "320 handle
 * h4 h2 b1/tab2#21" with pagehide cursor S1@3: its open waits for the answer to the hub's
 * `sync` join, and it is not owed, as the hub follows. "323 h3 resync": the verdict on the
 * hub's first join, to the owed tabs (h3's alone). h4's catch-up compares S1@3 with the
 * hub's cursor, still S1@3 (an owed verdict neither moves it nor marks a gap): nothing; the
 * verdict on the `sync` join at 377 goes to the owed tabs, none. No resync reaches h4, which
 * hears p52 next: "gap without resync: h2 heard p3 then p52 (at 937) without p4, …, p51".
 * The fix does not apply: no resync was posted on the name while h4 was opening.
 *
 * OLDER: the same fingerprint (af98422f207f1554) on 5072181, and the same violation on
 * fa93404 (before review 21f's fix). 2 of 90 plans of that grid (kill 140–230 every 10 ms,
 * reload +0–120 every 15 ms) fail after the fix, 3 before (the third fixed by it). A hub
 * that follows but whose cursor is still the one its last answered join named has its
 * owner's verdict on that join still coming: a tab that opens with a cursor then is owed it
 * as the tabs that opened before the answer are.
 */
import { expect, it } from 'vitest';
import { pushes, reloadAtWorkerDeath } from './resync-at-worker-death-plan';
import { runPlan } from './run';

const PLAN = reloadAtWorkerDeath(180, 45, [pushes(600, 1)]);

// Fixed: an owner that tells a peer `resync` as its verdict tells it its cursor next
// (`RelayOwner.#tellMissed`): the following hub goes on from there, so the reloaded page's
// catch-up from the hub's stream (S1@3 against the owner's S1@51, nothing kept) is `resync`.
it('tells a page reloaded onto a following hub the verdict still on its way', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
