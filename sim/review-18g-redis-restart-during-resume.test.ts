/**
 * Review 18g: found by a search on a real Redis (seed 1812, 4357 runs, faults
 * redis-restart,socket,server-restart,blackhole,worker-death,reload,tabs, `spurious resync`
 * ignored). OLDER than the commits reviewed (the same violations on 80f354e, replayed with
 * `SIM_REDIS_PLAN`).
 */
import { describe, expect, it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { Plan } from './faults';
import { runPlan } from './run';

const shared = redisForTheFile();

const RESTART_AS_IT_RESUMES: Plan = {
  seed: 0,
  browsers: [{ sharedWorkers: true }],
  steps: [
    { wait: 33, aim: false, step: { kind: 'redis-restart' } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 1 } },
    { wait: 30, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'drop-socket', pick: 0 } },
  ],
  choices: [],
};

describe('Redis restarts empty just after a session was resumed, then a push to it (review 18g)', () => {
  // Invariant: nothing lost; every push reaches an open handle once the faults heal
  // (sim/README.md, "not delivered after healing").
  // Severity: high (a browser whose worker resumed as Redis restarted
  // never gets an answer to a resume again, on any socket, until the server restarts).
  // What I saw: "30 b1 resume S1" (answered), "33 redis restarts, empty", "63 push p1";
  // no answer to any resume after it: "287 b1 resume S1", then "connect-timeout" every 3 s (3287, 6339,
  // 9547, 13296 ...), and at the end "not delivered after healing: h1 (h1), open, never heard
  // p2 (alice/a)", the same for p3 and for h2.
  // OLDER: the same on 80f354e. Cause: the store forgot S1 once a checkpoint write after
  // the restart found it gone (`#writeAnchors`, `#forget`), unseen by the registry; p1's
  // `#appendDirect` then makes a new `HeldSession`, in phase `reading` with no read running,
  // and waits for its `ready` for good; the later resumes of S1 wait behind that push in
  // S1's `outbound` queue (`SessionRegistry.resume`) and never reach the store
  // (server/redis/review-18g-append-many.test.ts, "settles"). Checked: with `#appendDirect`
  // answering undefined for a session with no `HeldSession`, this plan passes.
  // Fixed: `#appendDirect` answers undefined for a session the store forgot (its socket ends).
  it('holds every invariant', async () => {
    const { violations } = await runPlan(RESTART_AS_IT_RESUMES, {
      redis: { client: shared.client, prefix: 'r18g', restart: () => shared.redis.restart() },
    });
    expect(violations).toEqual([]);
  });
});
