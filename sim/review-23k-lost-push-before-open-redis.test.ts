/**
 * Review 23k, Redis search seed 44304 (300 plans, faults redis-restart,redis-write,server-restart,
 * socket,worker-death,reload,tabs,no-shared-worker), minimal plan after 188 runs. OLDER: the same
 * history on b458710 (before 66f3420, the change under review), so not of that change.
 * Invariant: "No spurious resync" (sim/README.md "Invariants"). Severity: low (nothing lost; a
 * tab refetches once): a variant of sim/redis-lost-push-topic.test.ts, by time, not topic.
 * Seen (`--history`): "32 the next 2 redis writes fail", "32 push p2 alice a", "34 not kept p2
 * S1", "44 open b1/tab1#6", "44 handle h2 … alice all", then "28233 append p3 S1#2",
 * "28247 h2 resync", "28247 h1 resync": "spurious resync: h2 (all) got resync at 28247: it
 * missed nothing, and the server said none to b1 since 44". The push Redis did not keep was made
 * before h2's tab opened; the hub tells every tab of the gap, the one that came after it too.
 */
import { expect, it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { Plan } from './faults';
import { runPlan } from './run';
import type { WorldRedis } from './world';

const shared = redisForTheFile();

function redis(): WorldRedis {
  return {
    client: shared.client,
    prefix: 'review-23k-lost-before-open',
    restart: () => shared.redis.restart(),
  };
}

const LOST_BEFORE_THE_TAB_OPENED: Plan = {
  seed: 0,
  browsers: [{ sharedWorkers: false }],
  steps: [
    { wait: 1, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 31, aim: false, step: { kind: 'redis-write-failure', count: 2 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: true, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
  ],
  choices: [],
};

it.fails('a tab that opened after a push Redis did not keep gets no resync for it', async () => {
  const { violations } = await runPlan(LOST_BEFORE_THE_TAB_OPENED, { redis: redis() });
  expect(violations).toEqual([]);
}, 60_000);
