/**
 * Review 18g's search (seed 980000, `--faults channel-lag,worker-death,second-build,
 * no-shared-worker,tabs,reload,logout`, run 17,656, shrunk): OLDER (the same on 94e427b), and
 * most likely the checker's.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const plan: Plan = {
  seed: 1348594989,
  browsers: [{ sharedWorkers: true, channelLag: true }],
  steps: [
    { wait: 6, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: true, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
  ],
  choices: [3, 7],
  logins: false,
};

// Invariant: after close() (logout), zero sockets and timers. Severity: low (as seen, a
// false report). What I saw (`--history`): both workers are killed at 13 as tab 1's app logs
// out and in again (h2 logout, h4 of the next login); h2's logout resolves only at 62 ("62
// h2 logged out"), on a lagging channel, after the next login's hubs began; the next login
// opens S2 at 95 and keeps its socket: "left after logout: b1 logged out at 62; 9000 ms later
// 1 sockets and 0 timers remain". The socket is the next login's, which the check counts from
// the logout's resolution rather than from its start.
it.fails('holds every invariant', async () => {
  const { violations } = await runPlan(plan);
  expect(violations).toEqual([]);
}, 60_000);
