/**
 * Review 24a, met by the search `npm run sim -- --seeds 1500 --faults
 * second-build,tabs,reload,channel-lag,worker-death,socket,logout,no-shared-worker --seed 45103`
 * (shrunk; this plan draws no lagging channel), on the code of fix 24a.
 *
 * Invariant (sim/README.md "Invariants"): between two pushes heard with no `resync` between,
 * every push it wants was heard (`gap without resync`). Severity: high where it happens (a push
 * lost in silence); needs two builds' SharedWorkers, a page reloaded in the ms of a burst and
 * tabs of the second build opened in the bursts that follow.
 *
 * What I saw (`npm run sim -- --plan … `): "gap without resync: h4 heard p11 then p13 (at 20369)
 * without p12 and no resync". Not root-caused in the time left.
 *
 * OLDER: the same fingerprint (9c9dc09eea749c2d) and violation on 62e711a, before fix 24a.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 1418486034,
  browsers: [{ sharedWorkers: true, channelLag: false }],
  steps: [
    { wait: 45, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 4 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 4 } },
    { wait: 20, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 1, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 4 } },
    { wait: 0, aim: true, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
  ],
  choices: [0, 0, 1],
  logins: false,
};

it.fails('loses no push in silence for a second-build tab opened in a burst', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
