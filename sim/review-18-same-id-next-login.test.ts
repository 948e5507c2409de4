/**
 * Review 18 (an attack on 8a771ee's model): the recorder knows a session by its id alone
 * (`sessionOf` takes the key's last part; `sessionFirstSeen`, `#sessionLogin` are by id),
 * but a server that names logins keeps two sessions under one id when the next login's
 * socket names the old login's id with `last` 0 and no `held`: it finds nothing under its
 * own key, and begins a fresh session of that id (session-registry.ts `resume`: a fresh read
 * with `last` 0 and not `held` attaches), with no `resync`. Found by mutating the lagging
 * plan of sim/seed-4102-other-schedules.test.ts with `logins: true` (a `kill-worker` at 16
 * added, world seed 71584; 1 of 1,600 mutations of that file's and
 * sim/handover-owner-dies-after-logout.test.ts's plans), shrunk by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const SAME_ID_NEXT_LOGIN: Plan = {
  seed: 71584,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 16, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 15, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 7, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
  ],
  choices: [0, 0, 3],
  logins: true,
};

/** sim/seed-4102-other-schedules.test.ts's LAGGING plan, with logins, at world seed 129 (1 of 0..299). */
const LAGGING_129: Plan = {
  seed: 129,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 15, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 7, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
  ],
  choices: [0, 0, 3],
  logins: true,
};

describe('the next login’s session under the old login’s id', () => {
  // Invariant reported: after a logout no push of the logged-out session reaches any handle.
  // Severity: low (the checker's, not the library's: a false report, which a search counts
  // as a finding and whose shrinking hides real ones; none is hidden by it, the id's first
  // login and first sight being the older, the stricter). What I saw (`--history`, the
  // resume frames and urls printed): "31 resume S1 … last 0, login=b1.1" (the page reloaded
  // at 31 keeps S1's cursor), h2's app logs out at 38 (its hub never had a socket: no `end`)
  // and in, "44 resume S1 … last 0 (no held), login=b1.2": the server begins
  // [alice, b1.2, S1], a new session, and each push at the end goes into both
  // ("append p1 S1#1" twice); h4 and h5, the next login's handles (opened at 38, in the
  // logout's ms), hear p1 and p2 made at 20238 through the new login's S1, and the checker,
  // which takes that S1 for the old one (first seen at 31), reports "push after logout: h5
  // (h5) heard p1 at 20253, after b1 logged alice out at 38" (4 such). NEW: the plan
  // without `logins` (as on fc006ab) fails the same, and rightly there: that server resumes
  // the logged-out S1 itself. Fixed: the recorder names a session by login and id where the
  // server names logins (`sessionName`).
  it('holds every invariant with a server that names logins', async () => {
    const { violations } = await runPlan(SAME_ID_NEXT_LOGIN);
    expect(violations).toEqual([]);
  }, 60_000);

  // The same false report on the plan sim/README.md says holds with logins, at another world
  // seed: "15 resume S1 … last 0, login=b1.1", tab 0 reloads at 15, h2's app logs out at 22
  // and in, "37 resume S1 … last 0 (no held), login=b1.2", p1 and p2 (made at 20172) go into
  // both S1s, and "push after logout: h4 (h4) heard p1 at 20184, after b1 logged alice out
  // at 22" (4 such). Over world seeds 0..299 this plan with logins fails only here (129); the
  // same plan without logins fails at 26 of them, rightly. Fixed as the first.
  it('holds every invariant with a server that names logins (the lagging plan, world seed 129)', async () => {
    const { violations } = await runPlan(LAGGING_129);
    expect(violations).toEqual([]);
  }, 60_000);
});
