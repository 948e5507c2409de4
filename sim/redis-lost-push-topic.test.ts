/**
 * Found by the searches of review 4 on Redis (seeds 1301 and 1302, 300 schedules each, faults
 * logout,redis-write,redis-restart,socket,reload,worker-death,tabs,server-restart,
 * second-build,no-shared-worker): the same on 2be5ae4^1 (before fixend), so not of the
 * changes reviewed.
 */
import { describe, expect, it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { Plan } from './faults';
import { runPlan } from './run';
import type { WorldRedis } from './world';

const shared = redisForTheFile();
let runs = 0;

function redis(): WorldRedis {
  runs += 1;
  return {
    client: shared.client,
    prefix: `lost-topic${runs}`,
    restart: () => shared.redis.restart(),
  };
}

/** Seed 1301's minimal plan: a tab on topic a; pushes a, a, then b, whose append Redis refuses. */
const LOST_PUSH_OF_ANOTHER_TOPIC: Plan = {
  seed: 0,
  browsers: [{ sharedWorkers: false }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 1 } },
    { wait: 18, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 17, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'redis-write-failure', count: 1 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 1, count: 1 } },
  ],
  choices: [],
};

describe('a push Redis failed to append', () => {
  // BUG (invariant: no resync where nothing was lost; pre-existing). The push of topic b is
  // numbered S1#3 and its append fails: the next push comes as #4, the worker sees the gap
  // and tells every handle `resync`, the handle on topic a too, which missed nothing it
  // wants (the checker: "h2 (a) got resync at 20303: it missed nothing, and the server said
  // none"). The worker cannot know the lost push's topic; the server, which numbered it,
  // could (a numbered gap marker with the topic, or `resync` from the server naming it).
  it.fails('a handle on another topic than the lost push gets no resync', async () => {
    const { violations } = await runPlan(LOST_PUSH_OF_ANOTHER_TOPIC, { redis: redis() });
    expect(violations).toEqual([]);
  }, 60_000);
});
