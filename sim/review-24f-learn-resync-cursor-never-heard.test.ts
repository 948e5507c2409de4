/**
 * Review 24f of fix 24d (1744017), found by mutation (mutant 29 of 250 of review 23l's
 * owner-dies-before-verdict plan with a `second-handle` and a reload inserted before the
 * owner's death, another world seed): `RelayOwner.receive`'s new resync on taking up a
 * rejoin's session fires when the session left has a number (`was.seq > 0`) that its tabs
 * were only told, never heard pushes to.
 *
 * Invariant: no spurious resync (sim/README.md "Invariants"). Severity: low (nothing lost;
 * the app refetches once more). Needs SharedWorkers of two builds, lagging channels, a
 * renewed login during a burst, and three worker deaths within ~100 ms.
 *
 * What I saw (`--history`, instrumented): the server said resync onto the renewed login's
 * session R at 246, build b's worker died at 260, build a's at 310; build b's fresh hub took
 * the lock on its tabs' S1:3 and resumed it (323). Build a's fresh worker (h1's tab, with R's
 * cursor, epoch 1, at 0) joined it before the resume's answer: its answer names S1:3 with
 * `resyncs` (`#untold` = R:0). The server resynced build b onto N (337, epoch 1); its verdict
 * on the join reached h1's hub with S1:3 (`#takeCursor` of the answer's cursor) and the resync:
 * "354 h1 resync" (due). The owner's cursor of N came after it and, of a newer epoch, was held
 * for the owner's next word (`RelayPeer.#moved`); build b's worker died at 360 before one, and
 * build a's hub took the lock on S1:3, a session its tabs never heard a push of. Build b's
 * fresh worker rejoined it with N: the owner took N up over S1:3 (`WireLink.learn`) and, as
 * `was.seq` is 3, told its tabs resync: "367 h1 resync", "spurious resync: h1 (all) got
 * resync at 367: it missed nothing, and the server said none to b1 since 354". Mutants 16,
 * 93, 194 and 221 of that family fail the same way (with review-24f-learn-resync-then-worker-
 * death's path in 16 and 93).
 *
 * NEW with 1744017: the plan passes on 906be4b. A fix: the resync on taking up a rejoin's
 * session is due only where the owner's tabs heard a push of the session left past the last
 * resync they were told (`RecentFrames.heardPastGap`-like: pushes heard, not the cursor's
 * number), or the owner keeps a newer-epoch cursor held as `#moved` when it takes the lock.
 */
import { expect, it } from 'vitest';
import { renewedBurstPlan } from './renewed-burst-plan';
import { runPlan } from './run';

const PLAN = renewedBurstPlan(
  [
    { wait: 161, aim: false, step: { kind: 'kill-worker', pick: 1 } },
    { wait: 26, aim: false, step: { kind: 'second-handle', pick: 4, interest: 0 } },
    { wait: 15, aim: true, step: { kind: 'reload-tab', pick: 4 } },
    { wait: 9, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 29, aim: false, step: { kind: 'reload-tab', pick: 2 } },
    { wait: 21, aim: true, step: { kind: 'kill-worker', pick: 0 } },
  ],
  { seed: 933241599 },
);

it.fails("tells no resync on taking up a rejoin's session to tabs that heard no push of the one left", async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations.map((violation) => violation.invariant)).toEqual([]);
}, 60_000);
