/**
 * Review 23g (an attack on fix-23b, 3355be4..ba7ab75: `HeardStream.answeredLate`). Found by
 * mutating review 21c's plan (sim/review-21c-cursorless-hub-takes-lock.test.ts: waits moved,
 * a `topics` step added, then steps removed): 1 of 150 mutants of that family is a spurious
 * resync on main, 0 on f4acb22.
 *
 * Invariant: no spurious resync (sim/README.md "Invariants"). Severity: low (nothing is
 * lost; the app refetches once), but it needs no rare timing beyond review 21c's: a handle
 * made while its tab's first open waits (a `topics` change, a second `connect()`).
 *
 * What I saw (`--history`): h3 (tab 1, no SharedWorker, no cursor) opens at 76 on a hub that
 * joins tab 0's owner without a cursor (since 76). p1 and p2 (S1#1, #2) are pushed at 106,
 * "107 h2 got p1/p2", and the owner is killed at 107: its answer (S1 at 0) is still on the
 * lagging channel. "115 handle h4 h4 b1/tab1#11 alice a", "115 h3 release": h4 joins the
 * tab's waiting group, made 9 ms after the pushes were heard everywhere, and h3 goes. Tab
 * 1's hub takes the lock, learns S1 at 2 from the rejoin of tab 0's fresh worker, then reads
 * the late answer (instrumented: answer S1 at 0, owing tab 1 opened at 76, learnt S1 at 2)
 * and tells tab 1 `resync`: "124 h4 open open", "124 h4 resync" ("h4 got resync at 124:
 * it missed nothing"). The owed date is the group's (h3's open, 76), and the resync goes
 * to every handle of the tab, also one that joined after the pushes; unlike
 * sim/review-23b-late-answer-resync-for-nothing.test.ts, no hub heard these pushes after
 * the handle came: dating pushes by when the owner heard them would not fix this one.
 *
 * A second handle (`second-handle` for `topics`, h3 kept: SECOND_HANDLE) meets it too: "124
 * h3 resync" is h3's due (it opened before p1 and p2), "124 h4 resync" is not.
 *
 * NEW with fix-23b: f4acb22 tells no resync here (no violation; h3, which would have lost
 * p1 and p2 in silence there, never opened); with the second handle f4acb22 loses p1 and p2
 * for h3 in silence (`lostInSilence`, OLDER, fixed by 23b) and tells h4 nothing. A fix: tell that resync as one of the past
 * for handles that joined the waiting group later (the client's `#joined`, as `past` does
 * for a socket's open), or date it (`openedAt` of the owed open) for the client to weigh
 * against each handle's own start.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { lostInSilence } from './lost-in-silence';
import { runPlan } from './run';

const LATE_ANSWER_GROUP_JOINER: Plan = {
  seed: 1111206722,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 46, aim: false, step: { kind: 'reload-tab', pick: 1 } },
    { wait: 30, aim: true, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 30, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 2 } },
    { wait: 0, aim: true, step: { kind: 'kill-worker', pick: 2 } },
    { wait: 8, aim: false, step: { kind: 'topics', pick: 1, interest: 1 } },
  ],
  choices: [],
  logins: false,
};

const SECOND_HANDLE: Plan = {
  ...LATE_ANSWER_GROUP_JOINER,
  steps: [
    ...LATE_ANSWER_GROUP_JOINER.steps.slice(0, -1),
    { wait: 8, aim: false, step: { kind: 'second-handle', pick: 1, interest: 1 } },
  ],
};

it.fails('tells no resync to a handle that joined its tab’s waiting open after the pushes the late answer covers', async () => {
  const { violations, world } = await runPlan(LATE_ANSWER_GROUP_JOINER);
  expect(violations).toEqual([]);
  expect(lostInSilence(world.history)).toEqual([]);
}, 60_000);

it.fails('tells the late answer’s resync to the handle that waited, not to a second handle made after the pushes', async () => {
  const { violations, world } = await runPlan(SECOND_HANDLE);
  expect(violations).toEqual([]);
  expect(lostInSilence(world.history)).toEqual([]);
}, 60_000);
