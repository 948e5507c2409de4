/**
 * Review 20e (found mutating sim/kept-cursor-over-new-login.test.ts's CRASH plan with lagging
 * channels: its first wait 7 → 39, `channelLag`; 49 of 2,000 lagging mutations of the six
 * plans named in the brief failed, every one a push after logout but one "not delivered
 * after healing", all of them the same on 29e7b91 and f4a49f5, none without the lag).
 * The lagging form of kept-cursor-over-new-login's CRASH plan: a page reloaded in the
 * instant of a logout, whose next login's page crashes, resumes the logged-out session.
 *
 * Invariant: after a logout no push of the logged-out session reaches any handle
 * (sim/README.md "Invariants", Logout). Severity: high (the next login's handle hears S1's
 * pushes for good; the same user here), lagging channels only (`channel-lag` is opt-in:
 * Chromium's per-channel pipes), one crash.
 *
 * What I saw (`--history`): tab0 owns S1 and closes at 39; its reload tab0#7 takes it on
 * handover (h2); tab1 opens at 39 (h3); tab0#7 reloads at 40 (tab0#15, S1's cursor kept) as
 * tab1's app logs out (h3, still `connecting`) and in again (h4 takes the lock, "connecting
 * start"); tab1 crashes at 41; tab0#15's hub takes the lock on handover and resumes S1
 * ("64 b1 resume S1"): "push after logout: h5 (h5) heard p1 at 1062, after b1 logged alice
 * out at 40".
 *
 * OLDER: fails the same on 29e7b91 and on f4a49f5. Fails at 22 of world seeds 0..49 with
 * this schedule, with a first wait of 30 ms to 1 s (not of 0 or 10); holds without lag and
 * with a server that names logins (`logins: true`).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const planWith = (channelLag: boolean): Plan => ({
  seed: 1374368941,
  browsers: [{ sharedWorkers: false, channelLag }],
  steps: [
    { wait: 39, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 1, aim: false, step: { kind: 'reload-tab', pick: 1 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 14, user: 0 } },
    { wait: 1, aim: false, step: { kind: 'crash-tab', pick: 0 } },
    { wait: 1001, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [],
});

describe("a page reloaded in the logout whose next login's page crashes, lagging channels", () => {
  it('holds every invariant where the channels do not lag', async () => {
    const { violations } = await runPlan(planWith(false));
    expect(violations).toEqual([]);
  }, 60_000);

  it.fails('holds every invariant with lagging channels', async () => {
    const { violations } = await runPlan(planWith(true));
    expect(violations).toEqual([]);
  }, 60_000);
});
