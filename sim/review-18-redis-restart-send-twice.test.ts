/**
 * Review 18: met while searching 8a771ee on Redis (`SIM_REDIS_FAULTS=logout,reload,socket,
 * worker-death,redis-restart,second-build,no-shared-worker,tabs npx vitest run
 * sim/redis.test.ts`: the seed-19 property failed at run 28, shrunk to this). Not of the
 * change: the plan has no `logins`, and its server names the user alone.
 */
import { describe, expect, it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { Plan } from './faults';
import { runPlan } from './run';

const shared = redisForTheFile();

const RESTART_SEND_DROP: Plan = {
  seed: 0,
  browsers: [{ sharedWorkers: false }],
  steps: [
    { wait: 33, aim: false, step: { kind: 'redis-restart' } },
    { wait: 0, aim: true, step: { kind: 'send', pick: 0, count: 1 } },
    { wait: 1, aim: false, step: { kind: 'drop-socket', pick: 0 } },
  ],
  choices: [],
};

describe('a send written as Redis comes back empty, its socket dropped', () => {
  // Invariant: each send() settles once; twice only across a loss of the server's sessions
  // after the first receipt. Severity: medium (a send passed on twice). What I saw: "send
  // written twice: s1 (b1, h1, at 45) reached the app 2 times, at 52, 174; the server lost
  // its sessions at 33 (redis restart)": the loss came before the first receipt, none
  // between the two. OLDER: fails the same on fc006ab (checked); not analysed further (out of
  // this review's scope; perhaps the open "send written twice when the first session it was
  // written in is lost" of sim/README.md). The worker names S1 in the resent send's `was`
  // once answered `resync` onto S2 (`WireLink.#resynced`), but the registry drops S1 as it
  // starts S2, and with it the id the `seen` at 52 recorded there. Tried: leaving S1 to the
  // store's expiry (62f7b5f); a later resume of S1 then attached it with no resync (review
  // 18c, server/held-resume-redis.test.ts), reverted. A store operation
  // that keeps a lost session's message ids and nothing else would close it.
  // Fixed: SEEN refuses a session whose hash does not name this server its owner (Redis lost
  // it): the socket ends (1013) before the app gets s1, and the resend under S2 passes once.
  it('holds every invariant', async () => {
    const { violations } = await runPlan(RESTART_SEND_DROP, {
      redis: { client: shared.client, prefix: 'r18', restart: () => shared.redis.restart() },
    });
    expect(violations).toEqual([]);
  }, 60_000);
});
