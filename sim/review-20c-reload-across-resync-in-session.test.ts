/**
 * Review 20c (an attack on the merge of `resyncs`, bc81584, fix A: the cursor told after a
 * resync within the session): a page reloaded in the instant its worker takes such a
 * resync, before the page read it. Written by hand, then its scheduler choices tried.
 */
import { expect, it } from 'vitest';
import type { Plan, TimedStep } from './faults';
import { runPlan } from './run';

const push = (wait: number, count: number): TimedStep => ({
  wait,
  aim: false,
  step: { kind: 'push', user: 0, topic: 0, count },
});

/** 48 pushes while the socket is down: past what the log keeps (`SIM_REPLAY.maxCount`, 40). */
const RELOAD_ACROSS_RESYNC: Plan = {
  seed: 3,
  browsers: [{ sharedWorkers: true }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    push(40, 3),
    { wait: 30, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    push(5, 6),
    ...Array.from({ length: 7 }, () => push(0, 6)),
    { wait: 243, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    push(5, 1),
  ],
  choices: [1, 0, 1],
};

// Invariant: delivery, no gap without a resync (sim/README.md "Invariants"). Severity:
// high (a loss in silence). What I saw (`--history`): two tabs on one SharedWorker hear
// p1–p3 (S1#1–3); the socket drops at 74 and 48 pushes are made while it is down, more
// than the log keeps, so the resume of S1 at 311 is answered `resync` within S1 ("314 b1
// told resync"). In the ms the worker tells it (318), tab 0's page unloads before it read
// it ("318 close b1/tab0#1": h1 hears no resync) and saves its cursor, S1 at 3; the new
// page's handle h3 (h1's lineage) joins with it after the resync ("318 h3 open attached")
// and hears p52 at 332 with no resync: "gap without resync: h1 heard p3 then p52 (at 332)
// without p4, …, p51 and no resync". Likely `RecentFrames`, which a resync within the
// session does not reset: it still keeps p1–p3, so for the cursor at 3 with the stream at
// 48 it finds nothing after 3 and answers no frames, where the gap between 3 and 48 is
// one it no longer has (`missedBy` only checks that its oldest frame is not past the
// cursor). OLDER: the same on f2641a1; fix A tells the cursor after the resync only to a
// page that is there to read it.
// Fixed (round 21): as traced; a resync (not one join's verdict) tells the kept frames
// they are before a gap (`RecentFrames.gap`), so a cursor among them gets `resync`.
it('tells a page reloaded as its worker takes a resync within the session the resync', async () => {
  const { violations } = await runPlan(RELOAD_ACROSS_RESYNC);
  expect(violations).toEqual([]);
}, 60_000);
