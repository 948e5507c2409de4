/**
 * Review 25h, of 0400d5c (review 23k's fix, `ReplayRead.otherLogin`): on Redis, READ answers
 * fresh='2' and yet CREATES the next login's hash under the stale id (owner: this process);
 * the registry takes the read as gone and deletes that hash afterwards, with a DROP it does
 * not wait for (`#evict` → `#forget` → `#settle(store.drop)`). Until that DROP runs (another
 * process's READ in the round trip between, or a DROP that fails: `redis-write`), the hash is
 * there, and the next stale fresh resume of the id by the same next login reads it as known
 * (fresh='0'): it is answered `resumed` at 0, begins the second session under the id that
 * the fix refuses, and takes the name from the earlier login's kept session (READ writes
 * the name on every non-fresh read). And the first process's DROP then finds the hash owned
 * by the other process and deletes nothing.
 *
 * Invariant at stake: review 23k's `gap without resync` (sim/review-23k-renewed-session-pushed-before-joiner.test.ts):
 * two sessions under one id number alike, and a joiner's held resume from l1's push 1 is
 * answered at 1 with l2's push 1 unheard. Here the server-level precondition: the second
 * stale resume must be told `resync`, not `resumed`, and the name must stay l1's.
 * Severity: medium-low (narrow: two stale fresh resumes of one id by the renewed login on two
 * processes within one Redis round trip, or a failed DROP between them).
 *
 * Seen: the first stale resume (process A, its DROP held back as a slow/failed command would
 * be) `resync` with a new id; the second (process B) {"$ts":"resumed","seq":0}; a push to ann
 * is its seq 1; a held resume of s1 from 1 on B is answered `resumed` at 1 with no push (lost);
 * `keyOfLogin('ann','s1')` then ["ann","l2","s1"].
 *
 * OLDER in effect: on 3f7d0c3 the FIRST stale resume was answered `resumed` already (no
 * rule at all); the change closes the one-resume case and leaves this one. Memory does not
 * have it (its drop runs in the same call). A fix: READ creates no hash when it answers '2'
 * (or DROP/READ delete it in the same script), so a read of a stale id never leaves state.
 */
import { afterEach, expect, it } from 'vitest';
import { RedisReplayStore } from '../redis';
import { Harness, type TestClient, userAndLogin, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';

const shared = redisForTheFile();
const harness = new Harness();
afterEach(() => harness.dispose());

function pushesOf(client: TestClient): unknown[] {
  return client.json().filter((frame) => (frame as { $ts?: string }).$ts === 'push');
}

/** A store whose DROPs wait for `release` (a slow round trip, or one that failed and retried). */
class HeldDrops extends RedisReplayStore {
  release: () => void = () => {};
  readonly #released = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  override async drop(session: string): Promise<void> {
    await this.#released;
    return super.drop(session);
  }
}

// Fixed: READ creates nothing (no hash, no owner, no TTL) when it answers '2', and the
// store holds nothing for it; the in-memory store likewise creates no log for such a read.
it('tells every stale fresh resume of the renewed login resync while the earlier login keeps the id, across processes', async () => {
  const prefix = `r25h-drop${Math.random()}:`;
  const heldDrops = new HeldDrops(shared.client, { prefix });
  const processA = await harness.start({ replayStore: heldDrops, authenticate: userAndLogin });
  const processB = await harness.start({
    replayStore: new RedisReplayStore(shared.client, { prefix }),
    authenticate: userAndLogin,
  });
  const processC = await harness.start({
    replayStore: new RedisReplayStore(shared.client, { prefix }),
    authenticate: userAndLogin,
  });
  const first = await harness.resumed(`${processC.url}/?user=ann&login=l1`, 's1', 0);
  expect(first.answer).toMatchObject({ $ts: 'resumed', seq: 0 });
  const stale = await harness.resumed(`${processA.url}/?user=ann&login=l2`, 's1', 0);
  const again = await harness.resumed(`${processB.url}/?user=ann&login=l2`, 's1', 0);
  heldDrops.release();
  await new Promise((resolve) => setTimeout(resolve, 50));
  // Review 23k's loss then: a push numbered 1 in l2's s1, and a joiner whose tabs heard l1's
  // s1 push 1 resumes s1 held from 1.
  processB.server.push('ann', { n: 2 });
  await waitUntil(() => pushesOf(again.client).length === 1, 'l2’s push 1 under s1');
  const joiner = await harness.resumed(`${processB.url}/?user=ann&login=l2`, 's1', 1, true);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const lost = joiner.answer.$ts !== 'resync' && pushesOf(joiner.client).length === 0;
  const named = await new RedisReplayStore(shared.client, { prefix }).keyOfLogin('ann', 's1');
  // Failed here before the fix: again was {"$ts":"resumed","seq":0} and the name l2's.
  expect({ stale: stale.answer.$ts, again: again.answer.$ts, lost, named }).toEqual({
    stale: 'resync',
    again: 'resync',
    lost: false,
    named: JSON.stringify(['ann', 'l1', 's1']),
  });
});
