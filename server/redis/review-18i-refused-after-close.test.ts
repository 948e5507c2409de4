/**
 * Review 18i, of cfb6c27's `HeldClaims.close` (ends the waits and the PASSED retries, forgets
 * the claims; "no PASSED is made again", redis-replay-store.ts `close`).
 */
import { expect, it } from 'vitest';
import { FakeClock } from '../test-support/fake-clock';
import { redisForTheFile } from '../test-support/redis-server';
import { RedisReplayStore } from './redis-replay-store';
import { PASSED } from './scripts';
import type { RedisCommandClient } from './store-options';

const shared = redisForTheFile();

// Invariant: no leaked timers (sim/README.md "Invariants": a closed server leaves no timer
// of its own running); `close`: "no PASSED is made again".
// Severity: low (a message passed on in the last round trip before the server closed, as
// Redis refuses: the closed store's timer then makes PASSED every second for 20 s, keeping
// a Node process that should exit alive that long, and writing to Redis for a server
// that is gone).
// Story: the app got message 1 of s1; its `passed` is on its way to Redis, which refuses it
// (all three attempts); the server closes meanwhile (`store.close()`), and only then the
// refusal comes back.
// What I saw: `passed`'s catch calls `HeldClaims.refused` after `close`: a new retry timer is
// set on the closed store (clock.pending 1) and PASSED is made again on each tick.
// NEW with cfb6c27 (3383776's `refused` returned once closed; cfb6c27 dropped that state so
// the store serves a next server, and nothing now tells a PASSED begun before `close`).
// Suggested fix: count `close`s in HeldClaims (an epoch), and have `passed` hand `refused`
// the epoch it began in: one of an earlier epoch is dropped.
// Fixed: a PASSED begun before a close is not made again after it (`HeldClaims.closes`).
it('sets no timer after close for a PASSED refused as the server closed', async () => {
  const prefix = `r18i-closed-retry${Math.random()}:`;
  let refuse = false;
  let refusals: Array<() => void> = [];
  const client: RedisCommandClient = {
    sendCommand(args: ReadonlyArray<string>): Promise<unknown> {
      if (refuse && args[0] === 'EVAL' && args[1] === PASSED) {
        return new Promise((_resolve, reject) =>
          refusals.push(() => reject(new Error('simulated refusal of PASSED'))),
        );
      }
      return shared.client.sendCommand(args);
    },
  };
  const clock = new FakeClock(1_000);
  const store = new RedisReplayStore(client, { prefix }, clock);
  await store.read('s1', 0);
  expect(await store.seen('s1', 1, 64)).toBe(false);
  refuse = true;
  const passed = store.passed('s1', 1).catch(() => 'refused');
  // Each attempt is answered only once the server closed.
  store.close();
  for (let attempt = 0; attempt < 3; attempt++) {
    await Promise.resolve();
    while (refusals.length === 0) await new Promise((go) => setImmediate(go));
    const now = refusals;
    refusals = [];
    for (const reject of now) reject();
  }
  expect(await passed).toBe('refused');
  expect(clock.pending).toBe(0);
});
