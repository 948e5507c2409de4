/**
 * Review 23l, found by mutation (mutant 2221 of 2400 of review 22f's renewed-logout plan:
 * world seed 1169334178, a third tab of build b opened at 77, choices changed): after a
 * logout and bob's login, a hub that took the owner lock over the logged-out owner answers a
 * relaying hub's `sync` join with a push of alice's from its catch-up.
 *
 * Invariant: no push for another user (`foreign push`), and after close() no push of the
 * old session reaches any handle (`push after logout`, sim/README.md "Invariants").
 * Severity: high (another user's data). Needs no SharedWorker, lagging channels, two builds,
 * a renewed login, a logout, then the next user's login 7 ms later with the owner's page
 * reloaded in that ms.
 *
 * What I saw (`--history`): alice's S1 (owner tab1's hub, h2); "22 push p1", heard by h3 at
 * 74 and h4 at 88; tab3 opens at 77 (h5, build b, relaying); "93 h2 logout", "93 b1 end S1";
 * at 100 bob logs in on every tab (h6–h10) and tab1 reloads. Instrumented
 * (`RelayPeer`): tab3's hub `sync`s (fix-23i's wait); tab0's hub (bob's h8 now) takes the
 * lock ("104 h8 open handover") and announces itself: a takeover, which ends the wait
 * (`#syncing` cleared, as designed); it answers tab3's hub's join and its catch-up passes
 * p1: "134 h10 got p1" → "foreign push: h10 (user bob, all) heard p1 for alice/a at 134",
 * "push after logout: h10 (h10) heard p1 at 134, after b1 logged alice out at 93". Tab0's
 * hub closes on the logout's late word at 122 ("122 h8 closed logout"), before p1 reaches h10.
 *
 * OLDER: fails the same way on b458710 (before 49afe72). Not fixed by fix-23i: the hub that
 * takes over for the next user's login still serves the ended login's kept frames (its own
 * ring, `RecentFrames`/`heardSince`) in an answer to a new login's join; the takeover that
 * `#syncing` trusts is not of the new login. Near review 20e's and 22e's logout families.
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

// Fixed (helper 24a): a frame carries when the hub that owned the socket heard it
// (`TabFrame.at`, set by that hub's `HeardStream`), kept as relays and catch-ups pass it on.
// A ring dates its frames by it (`heardSince` answers by when the socket heard a push, not
// when a lagging channel brought it here), and a hub passes a tab whose open came without a
// cursor no frame heard before that open (`TabRegistry.deliver`, by the tab's `since`, which
// a later open of the tab raises: a new login's group, its release of the old one skipped).
// Here the hub that takes over dates p1 at 38 (when the logged-out owner heard it): its
// catch-up for the join since 77 holds nothing, and h10, open since 100, would be passed over.
it("passes no push of alice's to bob's handle in a takeover owner's answer to a sync join", async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
