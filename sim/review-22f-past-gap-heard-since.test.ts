/**
 * Review 22f of 12353fa (a following hub that takes the owner's cursor past a gap marks that
 * gap in its ring): the gap is marked at the time the hub took the cursor, not when the
 * pushes it missed were made, and `RecentFrames.heardSince` reads `#droppedAt` as the time
 * of the newest push no longer kept. A hub that later owns the socket answers a join without
 * a cursor whose tabs opened after every push of that gap was made, but before the hub took
 * the cursor past it, with `resync`.
 *
 * Invariant: no spurious resync (sim/README.md "Invariants"). Severity: low (nothing lost;
 * the app refetches once). Needs lagging channels, no SharedWorker and worker deaths: a
 * mutant (world seed, waits, steps added) of sim/review-21e-since-after-resync-said.test.ts's
 * plan; 1 of 60 such mutants fails on main and passes on e19d311.
 *
 * What I saw (`--history`): "258 handle h8 h8 b1/tab4#41 alice all" (no cursor; p69 was
 * made at 254, every push of the gap before it); a following hub takes its owner's cursor
 * past a gap (S1@67) at 262 and marks the gap then (`HeardStream.cursor`'s `past`);
 * workers die at 284 and 287 and that hub owns the socket ("290 b1 resume S1"); h8's hub
 * joins it without a cursor, `since` 258, and `heardSince(258)` finds `#droppedAt` 262 ≥ 258:
 * `resync` → "341 h8 resync", then p69–p78 → "spurious resync: h8 (all) got resync at 341:
 * it missed nothing, and the server said none to b1 since 258".
 *
 * NEW with 12353fa: on e19d311 the plan holds every invariant (fingerprint 11ccd9f6d9a16816);
 * with 12353fa's `gap` call alone taken out of main, too. (On 1c4a18a it ends in an older
 * spurious resync of the 21e family, h2 at 324.) A fix: the gap a `past` cursor marks is at
 * the time the owner heard the cursor's last push (told with the cursor), or at most the
 * time this hub heard its newest kept push, not the time the cursor reached it.
 */
import { expect, it } from 'vitest';
import type { Plan, TimedStep } from './faults';
import { runPlan } from './run';

const push = (wait: number, count: number): TimedStep => ({
  wait,
  aim: false,
  step: { kind: 'push', user: 0, topic: 0, count },
});

const PLAN: Plan = {
  seed: 1363023,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 16, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 4, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 21, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    push(30, 3),
    { wait: 18, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    push(0, 46),
    push(2, 1),
    push(7, 1),
    push(7, 1),
    { wait: 7, aim: false, step: { kind: 'close-tab', pick: 3 } },
    push(7, 1),
    { wait: 7, aim: false, step: { kind: 'kill-worker', pick: 2 } },
    push(7, 1),
    { wait: 7, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    push(7, 1),
    push(1, 1),
    push(5, 1),
    push(5, 1),
    push(4, 1),
    { wait: 1, aim: true, step: { kind: 'reload-tab', pick: 2 } },
    push(1, 1),
    { wait: 4, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    push(4, 1),
    push(2, 1),
    { wait: 4, aim: true, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 3, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 6, aim: false, step: { kind: 'kill-worker', pick: 2 } },
    { wait: 1, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    push(9, 1),
    push(5, 1),
    { wait: 5, aim: true, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 7, aim: false, step: { kind: 'send', pick: 3, count: 1 } },
    push(2, 1),
    { wait: 4, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 5, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    push(5, 1),
    push(5, 1),
    { wait: 9, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 1, aim: false, step: { kind: 'send', pick: 3, count: 1 } },
    { wait: 1, aim: false, step: { kind: 'kill-worker', pick: 2 } },
    { wait: 3, aim: false, step: { kind: 'kill-worker', pick: 2 } },
    { wait: 2, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 6, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 8, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    push(3, 1),
    push(4, 1),
    push(4, 1),
    { wait: 8, aim: false, step: { kind: 'send', pick: 3, count: 1 } },
    push(7, 1),
    push(2, 1),
    { wait: 6, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    push(1, 1),
  ],
  choices: [],
  logins: true,
};

it.fails('tells a tab opened after the gap, without a cursor, no resync', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
