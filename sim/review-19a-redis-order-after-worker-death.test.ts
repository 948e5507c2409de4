/**
 * Review 19a: found by a search on a real Redis (seed 19015, 6281 runs, faults
 * socket,reload,worker-death,early-worker-death,server-restart,logout,token,tabs,second-build,
 * no-shared-worker,blackhole, `spurious resync` ignored; the shrunk plan below). OLDER than the
 * commits reviewed (aa56695, 11b3c1a): the same violation with caca030's server/ put back.
 * The same plan holds in memory (`npm run sim -- --plan '<plan>'`).
 */
import { describe, expect, it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { Plan } from './faults';
import { runPlan } from './run';

const shared = redisForTheFile();

const PUSHES_AS_THE_WORKER_DIES: Plan = {
  seed: 2055413453,
  browsers: [{ sharedWorkers: false }, { sharedWorkers: false }],
  steps: [
    { wait: 16, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'send', pick: 7, count: 1 } },
    { wait: 0, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [3, 0],
  logins: false,
};

describe('two pushes as a worker dies in its first resume, on Redis', () => {
  // Invariant: order (a handle hears a session's pushes in the order they were made;
  // sim/README.md "Invariants").
  // Severity: medium (no fault of Redis at all: a worker killed 1 ms after it wrote its first
  // resume, two pushes to the user while its successor's socket opens; the app sees p2, then
  // p1; no resync, nothing lost).
  // What I saw (the history): "15 b1 resume S1" on socket 10, "16 kill" (the browser side of
  // socket 10 closes; the server's at 27), socket 15 open at 18 (server side), "23 push p1",
  // "33 push p2", "34 b1 resume S1" on socket 15, then "34 append p2 S1#1" and only at 51
  // "append p1 S1#2": S1 numbers p1 after p2, and h2 hears "66 h2 got p2", "66 h2 got p1".
  // As I read it (not traced to the line): p1 was made while S1's first resume (socket 10's,
  // its read on Redis in flight) was pending, and reached S1 only through socket 15's
  // hand-over of what it remembered before resuming (`takeOver`, at its resume), while p2,
  // made once S1 was detached, was appended at once. In memory the read answers
  // synchronously, so no push is made while it is pending.
  // OLDER (caca030 gives the same history).
  // Suggested fix: a fan-out made while a session's read is pending is appended to it when
  // that read answers, also when the read's socket closed meanwhile (the session waits
  // detached); or `takeOver` numbers a handed-over push before pushes made after it.
  // Fixed: a resume answered "closed" (its socket went as its read ran) hands what the socket
  // got before it to the session then, as an attached one does (`SessionRegistry.resume`).
  it('holds every invariant', async () => {
    const { violations } = await runPlan(PUSHES_AS_THE_WORKER_DIES, {
      redis: { client: shared.client, prefix: 'r19a-order', restart: () => shared.redis.restart() },
    });
    expect(violations).toEqual([]);
  });
});
