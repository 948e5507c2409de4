/**
 * Review 18h, of 3383776's `HeldClaims` (claims kept until `passed`, at most 4,096, the
 * oldest dropped first).
 */
import { expect, it } from 'vitest';
import { FakeClock } from '../test-support/fake-clock';
import { waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';
import { RedisReplayStore } from './redis-replay-store';
import { SEEN } from './scripts';
import type { RedisCommandClient } from './store-options';

const shared = redisForTheFile();

/** The file's client, whose SEEN answers wait for `release` (a Redis that stalled). */
function stalling() {
  const held: Array<() => void> = [];
  const client: RedisCommandClient = {
    async sendCommand(args: ReadonlyArray<string>): Promise<unknown> {
      const answer = await shared.client.sendCommand(args);
      if (args[0] === 'EVAL' && args[1] === SEEN) await new Promise<void>((go) => held.push(go));
      return answer;
    },
  };
  return { client, held };
}

// Invariant: resolved = the app got it exactly once (docs/redis.md: an id stays held only
// when "the server dies before its app got the message" or its PASSED never reached Redis;
// a resend then waits 10 s and is passed on again); memory bounded per session.
// Severity: low (a process with more than 4,096 messages whose SEEN answers arrive together,
// e.g. after a Redis stall, many sockets sending; each claim dropped leaves its id held in
// Redis as if the process had died: a later resend of one of them, its ack lost, waits 10 s
// and reaches the app twice; the `p<id>` fields stay until the window gives them up).
// Story: 5,000 messages of one session are taken at once, their SEEN answers arriving
// together (a client that holds them until all came: a stall), and each is passed on as its answer comes, as the frame handler does (`passed`
// right after the app got it).
// What I saw: every SEEN answer's `keep` runs before the first `passed` (they resolve in one
// microtask wave), so the 904 oldest claims are dropped from `HeldClaims` before their
// `passed`: `take` finds nothing, no PASSED is made, and their `p<id>` fields stay in Redis.
// NEW with 3383776 (before it, claims were dropped by age, CLAIM_HELD_FOR, not by count).
// Suggested fix: never drop a claim whose message is still on its way (count only the ones
// left by a failed record, or drop by age those whose socket ended); or keep the claim in
// the caller (`passedOnBefore` hands it to `passed`) rather than in a bounded map.
// Fixed: a claim that took its id is kept until `passed` (HeldClaims bounds only the claims\nof failed calls).
it('lets go of every id it passed on, with 5,000 taken at once', async () => {
  const prefix = `r18h-kept${Math.random()}:`;
  const { client, held } = stalling();
  const store = new RedisReplayStore(client, { prefix }, new FakeClock(1_000));
  await store.read('s1', 0);
  const ids = Array.from({ length: 5_000 }, (_, index) => index + 1);
  const all = Promise.all(
    ids.map((id) =>
      store.seen('s1', id, 8_192).then((seen) => {
        expect(seen).toBe(false);
        return store.passed('s1', id);
      }),
    ),
  );
  await waitUntil(() => held.length === ids.length, 'every SEEN answered');
  for (const go of held) go();
  await all;
  const fields = (await shared.client.sendCommand(['HKEYS', store.keys('s1')[0]])) as string[];
  expect(fields.filter((field) => /^p\d+$/.test(field))).toEqual([]);
});
