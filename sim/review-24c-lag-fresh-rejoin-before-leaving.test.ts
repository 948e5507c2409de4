/**
 * Helper 24c, search 45304 (`--faults second-build,tabs,reload,channel-lag,worker-death,socket,logout,no-shared-worker`,
 * run 610, shrunk): a logout and login in the ms the owner's worker is killed; the dead
 * owner's page's fresh worker rejoins with the session's cursor and resumes it.
 *
 * Invariant: after close() (logout) no push of the old login reaches a handle of that
 * browser, unless through a session started after the login ended (`push after logout`,
 * sim/README.md "Invariants"). Severity: high where it happens (the logged-out session's
 * pushes reach the next login's handles in both tabs, for good); needs lagging channels and
 * a server that names the user alone: with `logins: true` the plan holds.
 *
 * What I saw (`--history`, instrumented): b1 (no SharedWorker, lagging channels): tab2's hub
 * owns S1, tab0's hub relays. At 1035 "kill b1/worker:build-a#8" (tab2's worker): tab0's hub
 * takes the lock with S1's cursor ("1035 h1 connecting handover"), and the `login` step logs
 * h1 out in that ms ("1035 h1 logout", "1035 h1 closed logout"): it ends S1 and posts its word
 * (it took the socket with a cursor). tab2's fresh worker opens its channel just after the
 * word (a BroadcastChannel hears nothing posted before it was made) and rejoins with S1's
 * cursor; tab0's next login (h4) wakes its dormant owner, which lets go with a `leaving` that
 * names S1 (`loggedOut`). The lock goes at once to tab2's fresh hub, which never heard an owner
 * and so waits for none (`SharedConnection.#take`): it resumes S1 ("1051 b1 resume S1"); the
 * `leaving` reaches it at 1064, on the lagging channel, after the resume went out
 * (`WireLink.leave` then leaves it as it is). "push after logout: h4 (h4) heard p1 at 1084,
 * after b1 logged alice out at 1035" (h5 too).
 *
 * OLDER: the same violations on main (62e711a), and search 45304 stops at the same run there.
 * The family of seed 4102's lagging form (sim/seed-4102-other-schedules.test.ts; Still open:
 * "the browser alone cannot close it" with a server that names the user alone) with a
 * worker's death in place of a reload; near search 44503's item. Not the named close of fix
 * 24c (no close is posted again here). A fix in the browser would have a hub that took the
 * lock without hearing any owner wait for a logged-out owner's `leaving` before its resume,
 * which costs every lone fresh worker that wait.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 1874329060,
  browsers: [
    { sharedWorkers: false, channelLag: true },
    { sharedWorkers: true, channelLag: true },
  ],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 21, aim: false, step: { kind: 'crash-tab', pick: 8 } },
    { wait: 1014, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 4 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [0, 0, 0, 6, 2],
  logins: false,
};

// Fixed (round 24, helper 24b): tab0's next login (h4) no longer wakes its dormant owner to let
// go: a logged-out owner's own next login takes the socket on with the lock its logout kept
// (`SharedConnection.start`). tab2's fresh hub stays queued and joins that login, and its
// rejoin's cursor of S1 is not taken up: no hub owned the socket since the logout, so another
// session than the login's own is the ended login's (`OwnedSocket`'s `keptSinceLogout`): "1054
// b1 resume S3". No hub waits longer than before (no wait for a `leaving` was added).
it('keeps the logged-out session from a fresh worker’s rejoin that took the lock before the leaving', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);

it('holds with a server that names logins', async () => {
  const { violations } = await runPlan({ ...PLAN, logins: true });
  expect(violations).toEqual([]);
}, 60_000);
