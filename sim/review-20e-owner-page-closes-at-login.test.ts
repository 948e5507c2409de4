/**
 * Review 20e (found mutating sim/handover-owner-dies-after-logout.test.ts's RELOAD_AT_LOGOUT:
 * its `login` split into `logout`, a wait and `login`, and a `close-tab` in the instant of the
 * login; 1 of 3,000 mutations without lag, this review's mutation script, not kept, its seed 7). A hub that took
 * the lock on a handover logs out before its socket opens (the server never hears the logout:
 * S1 stays resumable), logs in again later, and its page closes in the same ms: what it knew
 * of the logout dies with it, and a page reloaded in the instant of the logout resumes S1.
 *
 * Invariant: after a logout no push of the logged-out session reaches any handle
 * (sim/README.md "Invariants", Logout). Severity: high (two handles of the next login hear
 * S1's pushes for good; the same user here). The premise: a page reloaded in the logout's ms,
 * the owner's page closed as the app logs in again, a worker killed 1 ms later.
 *
 * What I saw (`--history`, `trace`): tab0 (S1's owner) closes at 18; tab1's hub (build-b#7)
 * takes the lock on handover and logs out at 21 before its socket opens; tab2's page reloads
 * at 21 (tab2#19, S1's cursor kept, no handle while logged out). At 1419 the app logs in:
 * build-b#7's own login takes the lock at once (its `afterLogout` claim holds) and then its
 * page closes; tab0#10's hub (build-a#12), which heard the logout at 21 as a follower but
 * names no session it ended, and whose new channel heard neither build-b#7's `leaving` nor its
 * announcement, takes the lock for a fresh login (no `afterLogout`); tab2#19's hub (build-a#20)
 * starts after, joins it with S1's cursor, its tabs' alone, and keeps it; build-a#12 is killed
 * at 1420: build-a#20 takes the lock and resumes S1 ("1450 b1 resume S1"): "push after logout:
 * h5 (h5) heard p1 at 1470, after b1 logged alice out at 21" (h7 too).
 *
 * OLDER: fails the same on 29e7b91 and on f4a49f5 (not a change of 2f899fd or 867af17).
 * Fails with any wait of 1 ms to 5 s between the logout and the login (not with 0: the plans'
 * own `login`); holds with a server that names logins (`logins: true`), and at world seeds
 * 1..9 (a narrow schedule). Without the `close-tab` it holds.
 *
 * The same with the worker killed instead (KILLED, from the CRASH plan of
 * sim/kept-cursor-over-new-login.test.ts: its `login` split into `logout`, 999 ms and
 * `login`, a `kill-worker` in the login's ms; 2 of another 3,000 mutations without lag, seed
 * 11, both this shape): tab0 (S1's owner) closes at 7, its reload tab0#7 (build-a#8) takes S1
 * over; tab1's hub (build-a#10) logs out at 8 as tab0#7 reloads (tab0#15, S1's cursor kept);
 * #8 dies with its page and #10 takes the lock, keeping it for the logout. At 1007 the app
 * logs in and #10 is killed in that ms: tab0#15's hub takes the lock and resumes S1 ("1029 b1
 * resume S1"): "push after logout: h4 (h4) heard p1 at 1076, after b1 logged alice out at 8".
 * OLDER the same (29e7b91, f4a49f5). Fails with any wait of 1 ms to 3 s between the logout
 * and the login (not 0); holds with `logins: true`, at world seeds 0..29, and with the kill
 * moved before or after the login's ms.
 *
 * Suspected cause: only the logged-out hub (and hubs that hear its `leaving`) names S1 ended;
 * a follower that heard the logout (`#closeHere`, or the owner's word) keeps no record of the
 * session, so its next login, which takes the lock, neither refuses S1 nor tells a reloaded
 * page's hub that its tabs' cursor is of a login that ended.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 1839752306,
  browsers: [{ sharedWorkers: false, channelLag: false }],
  steps: [
    { wait: 3, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 15, aim: false, step: { kind: 'reload-tab', pick: 2 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 3, aim: false, step: { kind: 'reload-tab', pick: 5 } },
    { wait: 0, aim: false, step: { kind: 'logout', pick: 15 } },
    { wait: 1398, aim: false, step: { kind: 'login', pick: 15, user: 0 } },
    { wait: 0, aim: false, step: { kind: 'close-tab', pick: 18 } },
    { wait: 1, aim: false, step: { kind: 'kill-worker', pick: 8 } },
    { wait: 1050, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [],
};

/** The hub that keeps the lock for the logout is killed in the ms of the next login. */
const KILLED: Plan = {
  seed: 1374368941,
  browsers: [{ sharedWorkers: false, channelLag: false }],
  steps: [
    { wait: 7, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 1, aim: false, step: { kind: 'reload-tab', pick: 17 } },
    { wait: 0, aim: false, step: { kind: 'logout', pick: 18 } },
    { wait: 999, aim: false, step: { kind: 'login', pick: 18, user: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 7 } },
    { wait: 50, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [],
};

describe("a handover owner's page that closes as it logs in again after its logout", () => {
  it.fails('holds every invariant', async () => {
    const { violations } = await runPlan(PLAN);
    expect(violations).toEqual([]);
  }, 60_000);

  it('holds every invariant with a server that names logins', async () => {
    const { violations } = await runPlan({ ...PLAN, logins: true });
    expect(violations).toEqual([]);
  }, 60_000);

  it.fails('holds every invariant when the hub kept for the logout is killed at the login', async () => {
    const { violations } = await runPlan(KILLED);
    expect(violations).toEqual([]);
  }, 60_000);
});
