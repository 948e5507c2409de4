/**
 * A resume answered `closed` whose read had no replay to give (a push the store did not
 * keep): the worker's next resume must still be told `resync` (review 19d's lead, found
 * reading the code; no search met it). Played on Redis with a push it refused: the store
 * owes the resync (see `ReplayStore.read`), as it once faked a one-shot mark here.
 */
import { expect, it } from 'vitest';
import { FakeClock } from '../test-support/fake-clock';
import { refusingRedisStore, withPushNotKept } from '../test-support/push-not-kept';
import { redisForTheFile } from '../test-support/redis-server';
import { resumeOf, resumeSocket } from '../test-support/resume-socket';
import { SessionRegistry } from './session-registry';

const shared = redisForTheFile();

it('tells the next resume resync when the closed one read no replay', async () => {
  const { store, refuse } = refusingRedisStore(shared.client, `closed-replay${Math.random()}:`);
  const registry = new SessionRegistry(
    store,
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
  );
  await withPushNotKept(registry, refuse);

  expect(await resumeOf(registry, resumeSocket({ isOpen: false }), 2)).toEqual({
    kind: 'failed',
    reason: 'closed',
  });

  const next = await resumeOf(registry, resumeSocket(), 2);
  if (next.kind !== 'attached') throw new Error(`not attached: ${next.kind}`);
  // A resync: under a new id, or with no replay.
  expect(next.newId !== undefined || next.replay === undefined).toBe(true);
});
