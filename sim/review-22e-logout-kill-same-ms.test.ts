/**
 * Review 22e (search 42601, run 879, the lag set with `logout`): a logout in the ms its
 * page's worker is killed, and the next login in the same ms (OLDER).
 *
 * Invariant: after close() (logout) no push of the old session reaches a handle of that
 * browser (`push after logout`, sim/README.md "Invariants"). Severity: high (pushes of the
 * logged-out session reach the next login's handles of every tab).
 *
 * What I saw (`--history`): b1 (no SharedWorker, lagging channels) has three pages; bob's
 * login runs on S1 ("17 b1 resume S1"). At 61 "kill b1/worker:build-b#9" (the owner's
 * worker), and in the same ms the `login` step logs bob out and in again: "61 h6 logout",
 * "61 h6 logged out" (its close went to the dead worker), "61 handle h8/h9/h10 … bob all". The
 * other pages' hubs never heard the logout (its word died with the owner, and the tab does
 * not post it again to its fresh worker once it logged in again: `HubClient.close`), so the
 * new handles join the login those hubs keep in its grace time; one takes the lock and
 * "80 b1 resume S1". At 20361 p3 and p4 are appended to S1 ("append p3 S1#1") and every
 * new handle hears them: "push after logout: h8 (h8) heard p3 at 20380, after b1 logged bob
 * out at 61" (six such).
 *
 * OLDER: the same fingerprint (ae977ac8a46ddc5d) on 5072181, before round 22. Near the
 * README's "a logout whose relaying worker dies in its ms resolves before the owner's word"
 * (sim/logout-dead-relay-resolves-early.test.ts), but here the next login resumes the old
 * session outright.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 1407182298,
  browsers: [
    { sharedWorkers: false, channelLag: true },
    { sharedWorkers: false, channelLag: false },
  ],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 1, aim: false, step: { kind: 'login', pick: 0, user: 1 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'logout', pick: 0 } },
    { wait: 60, aim: false, step: { kind: 'kill-worker', pick: 5 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 1 } },
  ],
  choices: [5],
  logins: false,
};

// Fixed (round 23, helper 23a): the logout did not go to the dead worker. As b1/worker:build-b#9
// (the owner) died, h6's own hub (build-a#4) took the lock and the socket with S1's cursor,
// before any hub joined it, and h6's logout reached it there: an owner with no peer posted no
// logout word. The next login woke it and it let go (its `leaving`, and its next login's join
// naming S1 ended, late on its lagging channel), and the lock went to build-b#17, which
// followed the dead owner and resumed S1 at once. Now an owner that took the socket with a
// cursor posts its logout word whether or not a peer joined (`RelayOwner.state`): a hub that
// followed the dead owner closes on it (it names S1), or, once it took the socket, ends the
// login there (`handOverAfterLogout`). The replay is the same up to 61; the word moves the
// lags after it: build-b#17 takes the lock on S1, hears build-a#4's join naming S1 ended
// before its resume and begins a session of its own ("86 b1 resume S2"), then the word ends
// its login ("87 b1 end S2", h8 `closed`), and build-a#4's next login takes the socket ("148
// b1 told resync" for S2). Of 1,000 world seeds of the plan, 31 resumed a session the logout
// knew before, 1 after (`worker/share/logout-at-hub-death.test.ts`, last test, fails without
// it). The 24 others, as many before and after, resume a session the logging-out hub never
// knew: it took the lock with no cursor (Still open).
it('keeps the logged-out session from the next login when the owner dies in the logout`s ms', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
