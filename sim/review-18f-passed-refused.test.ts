/**
 * Review 18f, of 31286a2 (SEEN takes a message id for its process until PASSED): the same
 * finding as server/redis/review-18f-passed.test.ts's first test, found by the simulation on
 * a real Redis, with one server process that never dies.
 */
import { describe, expect, it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { Plan } from './faults';
import { runPlan } from './run';

const shared = redisForTheFile();

/** Review 18e's plan (sim/review-18e-killed-after-seen.test.ts) with no restart: a write fails, a socket drops. */
const PASSED_REFUSED: Plan = {
  seed: 0,
  browsers: [{ sharedWorkers: true }, { sharedWorkers: true }],
  steps: [
    { wait: 35, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    { wait: 12, aim: false, step: { kind: 'send', pick: 3, count: 2 } },
    { wait: 14, aim: false, step: { kind: 'redis-write-failure', count: 1 } },
    { wait: 0, aim: false, step: { kind: 'drop-socket', pick: 1 } },
  ],
  choices: [1, 0, 0, 0, 0, 2, 0, 2, 0],
};

describe('a PASSED refused by Redis once, the ack lost with the socket (review 18f)', () => {
  // Invariant: a resolved send reached the app exactly once (sim/README.md, Sends); the
  // bound of docs/delivery-limitations.md allows a duplicate only when the process that
  // passed it on died, lost Redis or had its clock apart for more than 10 s.
  // Severity: medium (a message passed twice, and its resend, and the sends behind it on the
  // socket, wait 10 s; needs one failed Redis write just as the app got the message, and
  // the ack lost with the socket). What I saw: "send written twice: s1 (b2, h1, at 47)
  // reached the app 2 times, at 61, 10092; the server lost its sessions never": at 61 the
  // next Redis write fails and server 1 gets s1 (its SEEN took id 1 of S2); the write that
  // fails is s1's PASSED ("62 store error"); b2's socket drops at 66 before the ack; b2
  // resumes S2 at 255 and sends s1 again; its SEEN answers HELD (server 1's own claim, which
  // nothing will let go) until the claim is 10 s old, then takes it over: "10092 server got
  // s1", "10102 s1 resolved", "10103 s2 resolved" (s2, passed at 62, waited behind s1).
  // The one server process was alive throughout, and Redis answered the next command.
  // NEW with 31286a2: on ba231fa and on 80f354e the plan passes ("61 server got s1", "301
  // s1 resolved", once).
  // Suggested fix: PASSED made with `attempts`, its `#held` entry kept until it is answered
  // (and retried, e.g. on the session sweep, while the claim is younger than CLAIM_HELD_FOR).
  // Fixed: as server/redis/review-18f-passed.test.ts's first test (PASSED made again).
  it('holds every invariant', async () => {
    const { violations } = await runPlan(PASSED_REFUSED, {
      redis: { client: shared.client, prefix: 'r18f', restart: () => shared.redis.restart() },
    });
    expect(violations).toEqual([]);
  });
});
