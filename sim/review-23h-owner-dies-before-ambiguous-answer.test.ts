/**
 * Review 23h of 53f190d: review 22c's late-join plan (sim/review-22c-late-join-open-unheard
 * .test.ts) with the owner's worker killed 42 ms after the reload (a directed mutant: a kill
 * within 60 ms of the reloaded page's join). The owner (h2's hub) resumed S1's id unheld at
 * 55 ("55 b1 resume S2": the renewed login's server starts S2 under the id, at head 0); the
 * reloaded page's numbered join (h4's hub, S1:1) reaches it after that resume went out, so
 * its session only notes the push named (`WireSession.named` = 1): the leave waits for the
 * resume's answer (`WireLink.#ambiguous` at `resumed`), and the owner dies at 75, before
 * that answer reaches it. The joiner itself (h4's hub) takes the lock with its tabs' cursor
 * S1:1; a rejoining hub (ec41a7, S1:0 numbered) rewinds it to 0 (`WireLink.rewind`), and it
 * resumes at 107 `{session: S1's id, last: 0, held: true}`: the server, whose S2 the dead
 * owner's unheld resume began, answers `resumed` at 0, which nothing compares with the push 1
 * its own tabs heard numbered (the named mark was the dead owner's; 53f190d withdrew the high
 * mark across a rewind, though on 55fd81c it had no `named` to compare with either). h4 drops
 * S2#1 (p2) as seen.
 *
 * Invariant: every push once in order, or a `resync` before the first gap (`gap without
 * resync`, sim/README.md "Invariants"). Severity: high where it happens (a push lost in
 * silence), narrow: review 22c's world (no SharedWorkers, lagging channels, a renewed login's
 * server, a reload in its ms) and the owner's death between its unheld resume and its answer.
 *
 * What I saw (`--history`; the resume frames and joins from a local, uncommitted trace): "12
 * b1 resume S1" (last 0), "55 b1 resume S2" (S1's id, last 0, unheld), owner 9fab9e hears
 * da50a6's join `login` S1:1 numbered with its cursor S1:0 numbered (written), "74" server
 * sends `resumed` 0, "75 kill b1/worker:build-a#5" (the owner), da50a6 owns with S1:1 and
 * hears ec41a7's `rejoin` S1:0, "107 b1 resume S2" (S1's id, last 0, held), "113" `resumed`
 * 0, "712 append p2 S2#1", "731 h4 got p3": "gap without resync: h1 heard p1 then p3 (at 731)
 * without p2 and no resync" (fingerprint 9d4569ab6a96f47e).
 *
 * OLDER: it fails the same way on 55fd81c (second worktree). Of 600 directed mutants of this
 * plan (one or two kills within 60 ms mostly, a reload at times), 13 fail with `gap without
 * resync` on 53f190d and the same 13 on 55fd81c. A fix: a hub that takes a numbered cursor
 * (its tabs' or a peer's) keeps its seq as `named` across a rewind, so that a `resumed` below
 * it leaves the id as `#ambiguous` does; or a hub's join names what its tabs heard numbered
 * even when the owner's resume went out before it (the owner tells it with its cursor).
 */
import { expect, it } from 'vitest';
import { renewedReloadPlan } from './renewed-reload-plan';
import { runPlan } from './run';

const PLAN = renewedReloadPlan([
  { wait: 42, aim: false, step: { kind: 'kill-worker', pick: 0 } },
  { wait: 637, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 2 } },
  { wait: 600, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
]);

// Fixed: the joiner's `resumed 0` is below the push its tabs' numbered cursor had (kept across
// the rejoin's rewind): it leaves the id, every tab told `resync` (`WireSession.ambiguous`).
it('never resumes the id a renewed server began when the owner dies before its answer', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
