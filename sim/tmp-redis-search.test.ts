import { describe, it } from 'vitest';
import { redisForTheFile } from '../server/test-support/redis-server';
import type { FaultKind } from './faults';
import { simulate } from './property';
import type { WorldRedis } from './world';

const FAULTS = new Set<FaultKind>(
  'logout,redis-write,redis-restart,socket,reload,worker-death,tabs,server-restart,second-build,no-shared-worker'.split(',') as FaultKind[],
);
const shared = redisForTheFile();
let runs = 0;
function redis(): WorldRedis {
  runs += 1;
  return { client: shared.client, prefix: `s${runs}`, restart: () => shared.redis.restart() };
}
describe('search', () => {
  for (const seed of [1300, 1301, 1302]) {
    it(`seed ${seed}`, async () => {
      await simulate({ faults: FAULTS, numRuns: 300, seed, redis });
    }, 400_000);
  }
});
