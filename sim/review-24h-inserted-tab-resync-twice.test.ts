/**
 * Review 24h, attacking fix 24a (`TabFrame.at`, `TabRegistry.deliver`'s `since`) by inserting
 * a cursorless tab into review 23l's plan of review 22f's other world seed
 * (sim/review-23l-22f-other-world-seed.test.ts): an `open-tab` of build 0 3 ms after the
 * second one, and a `reload-tab` 4 ms later (insertion 330 of 1,320 into the four foreign-push
 * plans of rounds 22–23; 39 of those 1,320 give a foreign push or a push after logout on
 * 62e711a, none on main).
 *
 * Invariant: No spurious resync (sim/README.md "Invariants"): "spurious resync: h11 (all)
 * got resync at 200: it missed nothing, and the server said none to b1 since 147" (h11's
 * lineage, h13, is told the resync twice). Severity: low (a second reload of the app's state).
 *
 * What I saw (`--history`): at 107 bob logs in and tab 1 reloads in that ms ("107 handle h11
 * h11 b1/tab1#4 bob all", "107 handle h13 h11 b1/tab1#35 bob all"); "117 b1 resume S2",
 * "119 b1 told resync", "120 h12 resync", "128 b1 end S2" (h12 "closed logout");
 * "133 h13 connecting attached", "136 h13 connecting handover", "145 b1 resume S3",
 * "147 h13 resync" (owed: the server's at 119), "150 h13 connecting handover", "156 …",
 * "172 h13 open open", "200 h13 resync": the second, for nothing. On 62e711a the schedule
 * differs from 119 on ("122 b1 told resync", no "h12 resync"), and h13 is told once ("194
 * h13 resync"). Not root-caused in the time.
 *
 * NEW with fix 24a: passes on 62e711a and on main before the 24a merge (c5a4be0^1, with
 * 0904925), fails on 2b6d369, dc95725 and main.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 1169334178,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 22, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 12, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 3, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 4, aim: false, step: { kind: 'reload-tab', pick: 99 } },
    { wait: 10, aim: false, step: { kind: 'send', pick: 7, count: 1 } },
    { wait: 33, aim: true, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'renew-login', browser: 0 } },
    { wait: 16, aim: true, step: { kind: 'logout', pick: 0 } },
    { wait: 7, aim: true, step: { kind: 'login', pick: 2, user: 1 } },
    { wait: 0, aim: true, step: { kind: 'reload-tab', pick: 0 } },
  ],
  choices: [2, 0, 1, 1, 2, 1, 2, 3],
  logins: true,
};

it.fails('tells a handle reloaded in the ms of the next login the resync once (22f`s plan, a cursorless tab inserted)', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
