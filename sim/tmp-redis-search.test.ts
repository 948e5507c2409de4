import { it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { FaultKind } from './faults';
import { simulate } from './property';
import type { WorldRedis } from './world';

const shared = redisForTheFile();
let runs = 0;
function redis(): WorldRedis {
  runs += 1;
  return { client: shared.client, prefix: `s${runs}`, restart: () => shared.redis.restart() };
}
const SETS = [
  'logout,reload,socket,worker-death,redis-restart,redis-write,token,second-build,no-shared-worker,tabs,blackhole,server-restart',
  'redis-restart,redis-write,socket,reload,worker-death,server-restart',
  'logout,reload,socket,worker-death,redis-restart,second-build,no-shared-worker,tabs',
];
for (const [index, set] of SETS.entries()) {
  for (const seed of [31, 32]) {
    it(`redis search ${index} seed ${seed}`, async () => {
      await simulate({ faults: new Set(set.split(',') as FaultKind[]), numRuns: 150, seed, redis });
    }, 900_000);
  }
}
