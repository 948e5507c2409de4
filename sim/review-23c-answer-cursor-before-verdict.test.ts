/**
 * Helper 23c, found by mutation (mutant 186 of 300 of review 22f's renewed-resync-unheard
 * plan: world seed and waits moved, a push added): a relaying hub's tabs take the owner's new
 * session from its answer to their rejoin, and a page reloaded before the owner's `resync`
 * verdict on that join reaches it comes back on the new session with no resync.
 *
 * Invariant: each push reaches every handle that wants it once, in order, or a `resync`
 * comes before the first gap (`gap without resync`, sim/README.md "Invariants"). Severity:
 * high (48 pushes lost in silence for one lineage). Needs SharedWorkers of two builds,
 * lagging channels, a socket dropped during a burst, a renewed login (the server's `resync`
 * onto a new id), the relaying build's worker killed and a page of it reloaded 30 ms later.
 *
 * What I saw (`--history`, instrumented): h1 (build a) owns S1; the socket drops at 99
 * during p4–p51, the login is renewed at 99, the owner resumes at 238 and the server answers
 * `resync` onto S3 (256). Build b's worker dies at 274, before the owner's words of S3
 * reached it; its two tabs rejoin the fresh worker with S1:3, which joins twice. The owner's answer to the last join (292) names S3:
 * `RelayPeer.#follow` takes it and tells the tabs the new session's cursor at once; the
 * owner's `resync` verdict (and its cursor) on that join comes only at 303, the ms tab2's
 * page closes (its pagehide saved S3@0). The reloaded page (h4, h3's lineage) opens with
 * S3@0 and is owed nothing: "gap without resync: h3 heard p3 then p52 (at 938) without p4,
 * …, p51 and no resync". h2 hears the verdict at 303.
 *
 * The same shape as review 22f's resync unheard, on the answer's path: a join from a cursor
 * of another session is told the owner's session in the answer and its resync in the
 * verdict, two messages, and the verdict may wait for the owner's socket to open. A fix: a
 * hub whose join named a numbered cursor of another session tells its tabs the owner's
 * session with the verdict's cursor (`RelayOwner.#tellMissed` posts it after the resync),
 * not from the answer; or tells the resync itself with it, as owed, and marks it told.
 *
 * OLDER: the same fingerprint (4bb5b55c2b8a0b0f) on main (f4acb22). 1 of 300 mutants of that
 * plan; without the `renew-login` step it holds.
 */
import { expect, it } from 'vitest';
import { renewedBurstPlan } from './renewed-burst-plan';
import { runPlan } from './run';

const PLAN = renewedBurstPlan([
  { wait: 8, aim: true, step: { kind: 'kill-new-worker', pick: 1 } },
  { wait: 161, aim: false, step: { kind: 'kill-worker', pick: 1 } },
  { wait: 29, aim: false, step: { kind: 'reload-tab', pick: 2 } },
]);

// Fixed: a hub whose join named a cursor of another session with pushes in it (or numbered)
// takes the owner's session from the answer but tells its tabs of it only with the owner's
// `resync` verdict on the join, in one task, just before the resync (`RelayPeer.#untold`;
// worker/share/relay-answer-session-verdict.test.ts). The reloaded page comes back on S1:3,
// and its hub's catch-up tells it the resync.
it("tells a page reloaded before the owner's verdict on its hub's rejoin the resync", async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
