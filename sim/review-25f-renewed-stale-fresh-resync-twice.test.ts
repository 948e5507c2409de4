/**
 * Review 25f, of its own fix of review 23k (the server begins no session under an id the
 * store names for another login of the user, `ReplayRead.otherLogin`): review 23k's plan
 * (sim/review-23k-renewed-session-pushed-before-joiner.test.ts) with the owner killed 30 ms
 * after the reload (not 42) and the push 2 ms later. The dead owner's unheld resume of S1's
 * id ("55 b1 resume S2") is now told `resync` by the renewed login's server, and so is the
 * joiner's held resume ("74 b1 told resync", "84 b1 told resync"); h3 (tab 2, whose hub
 * went through two handovers, "78 h3 connecting handover", "108 h3 open handover") is told
 * `resync` at 112 with h2, then again at 135 ("135 h3 resync"). On 3f7d0c3 h3 was told the
 * 135 resync alone (no server resync then; the checker let it pass after the worker death,
 * h3 having heard no push), and h1's lineage lost p2.
 *
 * Invariant: no spurious resync (sim/README.md "Invariants"): "h3 (all) got resync at 135: it
 * missed nothing, and the server said none to b1 since 112". Severity: low (nothing lost,
 * the app refetches once more). Of 126 mutants of review 23k's plan (owner killed at 30, 42
 * or 50 ms, the push 0–40 ms later, 1 or 2 pushes), 2 fail so (this one, and with 2 pushes);
 * on 3f7d0c3, 122 of the 126 lost a push in silence (`gap without resync`), these two too.
 *
 * NEW in form with 0400d5c (on 3f7d0c3 this plan fails with `gap without resync` instead):
 * the 135 resync was told before the fix too; the fix adds the server's, before it. Likely
 * the family of sim/review-22c-held-resume-resync-twice.test.ts (a tab told a resync after
 * its own); not traced further.
 */
import { expect, it } from 'vitest';
import { renewedReloadPlan } from './renewed-reload-plan';
import { runPlan } from './run';

const PLAN = renewedReloadPlan([
  { wait: 30, aim: false, step: { kind: 'kill-worker', pick: 0 } },
  { wait: 2, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  { wait: 600, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
]);

it.fails('tells the tabs of a renewed login whose stale fresh resume was refused one resync', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
