/**
 * Review 18g: found by a search on a real Redis (seed 1817, 3586 runs, faults
 * server-restart,socket,logout,token,topics,second-handle,offline,worker-death, `spurious
 * resync` ignored). A false violation of the model (ba231fa: a killed process runs no
 * answer of Redis), not of the product.
 */
import { describe, expect, it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { Plan } from './faults';
import { runPlan } from './run';

const shared = redisForTheFile();

const KILLED_AS_IT_APPENDS: Plan = {
  seed: 0,
  browsers: [{ sharedWorkers: true }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
    { wait: 48, aim: false, step: { kind: 'send', pick: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'server-restart', keepSessions: true, downFor: 0 } },
  ],
  choices: [0],
  logins: false,
};

describe('a server process killed as Redis keeps its push (review 18g)', () => {
  // Invariant: the checker's "push after logout" (sim/README.md): a push heard by a handle
  // after a logout of its browser, and not made for its new login.
  // Severity: low (the simulation's model: a false violation that stops a search with the
  // server-restart and logout faults).
  // What I saw: h1 logs out at 0 and h2 logs in at 0; S1 is h2's session; "48 push p1 alice
  // a" as server 1 is killed ("48 server down"): Redis carried out p1's DIRECT (S1's
  // stream keeps it), but the killed process runs no answer, so the history has no "append
  // p1 S1#1"; h2 resumes S1 on server 2 and gets p1 replayed ("280 h2 got p1"), and the
  // checker, finding no append of p1 in S1, reads it as a push from before the logout:
  // "push after logout: h2 (h2) heard p1 at 280, after b1 logged alice out at 0" (twice).
  // On 80f354e (before ba231fa) the history has "49 append p1 S1#1" and the plan passes.
  // OLDER than the commits reviewed (ba231fa's model).
  // Suggested fix: the recording store records an append when Redis carried it out (the
  // gate sees the answer even for a killed process), or the checker takes a push replayed
  // from the store (`got` with a number in S1's stream) as made in that session.
  // Fixed: the recording store reports what a read replays as appended (sim/server-process.ts).
  it('holds every invariant', async () => {
    const { violations } = await runPlan(KILLED_AS_IT_APPENDS, {
      redis: { client: shared.client, prefix: 'r18g', restart: () => shared.redis.restart() },
    });
    expect(violations).toEqual([]);
  });
});
