/**
 * Found by this round's search `npm run sim -- --seeds 3000 --seed 2601 --faults
 * logout,second-build,reload,tabs,worker-death,socket,no-shared-worker` (run 311, shrunk).
 * Present before this round's changes too (same failure on edde2d6, and with
 * `WireLink.rewind` disabled): not caused by 'owed', 'lateword' or 's2100'.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const plan: Plan = {
  seed: 2147483625,
  browsers: [{ sharedWorkers: false }, { sharedWorkers: false }],
  steps: [
    { wait: 16, aim: false, step: { kind: 'kill-worker', pick: 1 } },
    { wait: 5, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [1],
};

describe('a push fanned out to a session after its resume was answered resync', () => {
  // No SharedWorker; b1's worker dies (t=21) with its socket 10 still attached server-side
  // (its late `resume` read, and the socket closed there, only at 37), and p1 is pushed at 21.
  // The fresh worker resumes S2 (26); the server answers `resync` onto a new session S3 (28;
  // h2 told at 34), which covers p1; p1 goes into S2#1 at 37, a session nobody resumes. The
  // checker took h2's p2, p3 (S3#1, #2) for frames of S2, the session last resumed, and
  // reported a gap after resync: the recorder now follows the session a resync starts.
  it('holds every invariant', async () => {
    const { violations } = await runPlan(plan);
    expect(violations).toEqual([]);
  });
});
