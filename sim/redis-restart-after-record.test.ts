/**
 * Met by a search of this round on Redis (seed 73, run 492, shrunk), on 17f9d45: a false
 * "send written twice" of the checker's.
 */
import { describe, expect, it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { Plan } from './faults';
import { runPlan } from './run';

const shared = redisForTheFile();

const RESTART_AFTER_RECORD: Plan = {
  seed: 1655666025,
  browsers: [{ sharedWorkers: true }],
  steps: [
    { wait: 33, aim: false, step: { kind: 'push', user: 1, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'send', pick: 0, count: 2 } },
    { wait: 19, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'redis-restart' } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
  ],
  choices: [0, 0, 0, 0, 0],
};

describe('Redis back empty in the ms after it recorded a message', () => {
  // Invariant: a send reaches the app twice only across a loss of the server's sessions
  // after the record the first receipt followed. What I saw: s1's SEEN ran at 52, Redis
  // restarted empty at 52, the app got s1 at 53 (the answer a round trip later); the resend
  // under the next session, naming the lost one, was passed on again at 117 (docs/design.md:
  // a server that lost the sessions may pass such a send on twice). The checker dated the
  // record by the receipt and reported "send written twice ... the server lost its sessions
  // at 52". Fixed in the recorder: on Redis the losses counted are those before the record.
  it('holds every invariant', async () => {
    const { violations } = await runPlan(RESTART_AFTER_RECORD, {
      redis: {
        client: shared.client,
        prefix: 'after-record',
        restart: () => shared.redis.restart(),
      },
    });
    expect(violations).toEqual([]);
  }, 60_000);
});
