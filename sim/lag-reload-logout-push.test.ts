/**
 * A plan a review-9 search met with lagging channels (`--seeds 20000 --seed 20000 --faults
 * logout,second-build,no-shared-worker,tabs,reload,channel-lag`, run 1,062; shrunk).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

/**
 * Without SharedWorkers: tab0 (the owner's page) and tab1; tab0 reloads at 22 ms, and tab1's
 * app logs out (h2) and in again at once at 23 ms. With `channelLag`.
 */
const planWith = (channelLag: boolean): Plan => ({
  seed: 21473323,
  browsers: [{ sharedWorkers: false, channelLag }],
  steps: [
    { wait: 2, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 20, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 1, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
  ],
  choices: [0],
});

describe('a reloaded owner page and a logout in the next tab, with lagging channels', () => {
  it('holds every invariant where the channels do not lag', async () => {
    const { violations } = await runPlan(planWith(false));
    expect(violations).toEqual([]);
  }, 60_000);

  // Invariant: after close() resolves no push of the old session reaches any handle; the
  // next login must not resume the logged-out session (sim/README.md "Invariants").
  // Severity: high (both pages hear the logged-out user's pushes for good: the session
  // ended by the logout is resumed). What I saw (`--history`): tab0's page (whose hub owned
  // S1) reloads at 22, its hub dies with it; the reloaded page (h3, then h5) brings S1's
  // cursor; h2 (tab1, still `connecting`) logs out at 23 and its app logs in again
  // (h4); at 3245 a hub resumes S1 and h4 and h5 open on it; pushes p1, p2 of S1 (alice) at
  // 20173 reach h4 and h5: "push after logout: h4 (h4) heard p1 at 20192, after b1 logged
  // alice out at 23". PRE-EXISTING: the same plan fails the same (same fingerprint) on the
  // code at 30d0f22^; it holds without lag. Likely a lagging-channel form of the Still open
  // item of seed 4102 (a reloaded page's cursor of the logged-out login), which that item's
  // plan meets without lag; listed here as its plan differs (it needs the lag).
  it('holds every invariant with lagging channels', async () => {
    const { violations } = await runPlan(planWith(true));
    expect(violations).toEqual([]);
  }, 60_000);
});
