/**
 * A plan a review-8 search met with lagging channels (`--seed 7707 --faults
 * logout,second-build,tabs,channel-lag,reload,second-handle`, run 2,873): not in the CI
 * seed set, whose channel-lag run has no `reload`.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

/**
 * A tab of build b (tab1) and a tab of build a (tab0, the owner's); tab0 reloads at 19 ms
 * and the app logs in again at once (logout of h2, then a new login). With `channelLag`.
 */
const planWith = (channelLag: boolean): Plan => ({
  seed: 0,
  browsers: [{ sharedWorkers: true, channelLag }],
  steps: [
    {
      wait: 0,
      aim: false,
      step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 },
    },
    { wait: 19, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
  ],
  choices: [],
});

describe('a reloaded page behind a logout, with lagging channels', () => {
  it('holds every invariant where the channels do not lag', async () => {
    const { violations } = await runPlan(planWith(false));
    expect(violations).toEqual([]);
  }, 60_000);

  // Invariant: no resync for nothing (sim/README.md "Invariants"). Severity: low (a resync
  // for nothing; nothing lost). What I saw (`--history`): h2 logs out at 19 (resolved at 55);
  // the reloaded page's handle h3 (tab0, which brings the cursor of S1, ended) gets `resync`
  // at 99, then again at 109, after its open at 103, though the server said none since 99:
  // "spurious resync: h3 (all) got resync at 109". Not the Still open item of seed 4001 (no
  // socket drop here, SharedWorkers on); the same plan without lag holds. NEW as far as the
  // search goes (channel-lag came with bec8a5c; not checked on the code before, which has
  // no such fault).
  // Fixed: the hub joined twice before the owner answered, and the owner's verdict on each
  // join was `resync`; a peer now drops the catch-up of a join it posted again since
  // (`RelayPeer`'s `#answering`).
  it('holds every invariant with lagging channels', async () => {
    const { violations } = await runPlan(planWith(true));
    expect(violations).toEqual([]);
  }, 60_000);
});
