/**
 * Review 16 (an attack on 19471df (c): a keeper woken by a new login's join posts `leaving`
 * naming that join's cursor's session as ended). Found by mutating the plan of
 * sim/seed-4102-other-schedules.test.ts (NO_LAG, world seed 139: a `second-handle` step
 * added after the second reload, which here makes no handle but moves the reloaded page's
 * handle ahead of the next login's). Fails at world seeds 109 and 139 of 0..149 (40, 109,
 * 139 on 35d5b46).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 139,
  browsers: [{ sharedWorkers: false, channelLag: false }],
  steps: [
    { wait: 15, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 1, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'second-handle', pick: 7, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
  ],
  choices: [0],
};

describe("a keeper whose own next login wakes it before the reloaded page's join", () => {
  // Invariant: after a logout no push of the logged-out session reaches any handle.
  // Severity: high (the next login follows the logged-out session S1). What I saw
  // (`--history`, instrumented): as in seed 4102 at world seed 139, tab 1's hub is a keeper
  // (its peer idle, it never learnt S1) when its app logs out at 16 and in again; the
  // reloaded page's hub (tab0#14) starts with S1's cursor just before. The keeper's own new
  // login (`start`: `#began` 'after-logout', `#letGo()` with no session) comes before the
  // page's join reaches it, so it never runs `#answerEnded` and posts no `leaving` naming
  // S1; tab0#14's hub takes the lock and resumes S1: "36 b1 resume S1", "push after logout:
  // h4 (h4) heard p1 at 44, after b1 logged alice out at 16" (h5, the next login's, too).
  // OLDER: fails the same on 35d5b46; 19471df's keeper word needs the join to come first.
  // Fixed: a keeper that lets go for any reason (its own next login too) says it kept its
  // place since its logout (`leaving.loggedOut`), so the reloaded page's hub leaves S1.
  it('holds every invariant', async () => {
    const { violations } = await runPlan(PLAN);
    expect(violations).toEqual([]);
  }, 60_000);
});
