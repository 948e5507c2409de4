/**
 * Review 23d, found by mutation (mutant 272 of 500 of review 22c's late-join plan with one or
 * two workers killed and pushes added after it): the session id an owner left on `#ambiguous`
 * (d6d1806, review 22c's late join) is resumed again by the next owner, and the reloaded
 * page's lineage loses the renewed login's pushes after the resync that was to cover them.
 * Unit form: worker/share/review-23d-held-cursor-owner-dies.test.ts.
 *
 * Invariant: after a `resync`, every push of the followed stream made after it (`gap after
 * resync`, sim/README.md "Invariants"). Severity: high (a push lost in silence), narrow:
 * review 22c's world (no SharedWorkers, lagging channels, a renewed login in the ms of a
 * reload), then the owner's worker killed (here two workers, 352 and 365) before the new
 * session's first push.
 *
 * What I saw (`--history`): h2's hub resumes S1's id unheld at 55 ("55 b1 resume S2": the
 * renewed login's server starts it anew); the reloaded page's numbered join (h4, h1's
 * lineage, S1:1) reaches it after: it leaves the id (`#ambiguous`: "90 h2 resync", "90 h2
 * backoff resume-refused", "114 h4 resync", "114 h3 resync") and resumes a fresh S3 at 172.
 * No push comes; "352 kill b1/worker:build-b#11", "365 kill b1/worker:build-a#5" (the
 * owner's): the next owner resumes the left id again ("383 b1 resume S2"), h4's cursor still
 * S1:1 of the old stream; p2 (S2#1) is dropped as seen: "gap after resync: h1 had a resync at
 * 114, then heard p3 (at 1046) without p2, pushed after it".
 *
 * Why (unit form): the relaying hubs declined S3's fresh cursor (`RelayPeer.#merged`) and held
 * back the cursor the owner told with S3's resume (`RelayPeer.#moved`: a newer epoch, taken
 * with the owner's next word, which never came); the hub that took the lock resumed its own
 * cursor, the left id, `held`, and the server had that id. With the hold disabled (the
 * `cursor` case's first branch off) the plan holds every invariant.
 *
 * The loss is OLDER: on f4acb22 the same plan fails with review 22c's "gap without resync: h1
 * heard p1 then p3 (at 1040) without p2 and no resync" (fingerprint 5da2b89a4c2985da; here
 * 291c8095c24c0434): the owner never left the id there. The path past the fix is NEW with
 * d6d1806 (its two changes together). 1 of 500 such mutants (135 fail on f4acb22, 12 here).
 */
import { expect, it } from 'vitest';
import { renewedReloadPlan } from './renewed-reload-plan';
import { runPlan } from './run';

const PLAN = renewedReloadPlan([
  { wait: 319, aim: true, step: { kind: 'kill-worker', pick: 7 } },
  { wait: 13, aim: true, step: { kind: 'kill-worker', pick: 6 } },
  { wait: 665, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 2 } },
]);

// Fixed: a relaying hub takes the fresh session its owner left the id for, with a resync
// (`RelayPeer.#takeCursor` with `over`): no hub resumes the id left.
it('never resumes the session id an owner left for a late numbered join', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
