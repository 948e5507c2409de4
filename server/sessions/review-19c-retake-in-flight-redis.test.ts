/**
 * Review 19c of ea39334 (`HeldClaims.retake`: a call for `<key> <id>` after one that failed
 * takes the failed call's claim): against a real Redis, as message-receipt-review-19b-redis.
 */
import { expect, it } from 'vitest';
import { RedisReplayStore } from '../redis';
import { SEEN_IF_KEPT } from '../redis/scripts';
import { FakeClock } from '../test-support/fake-clock';
import { waitUntil } from '../test-support/harness';
import { receive } from '../test-support/receipt-on-redis';
import { redisForTheFile } from '../test-support/redis-server';

const shared = redisForTheFile();

// Invariant: no 10 s stall of a message on its own process's claim (the aim of ea39334's
// `retake`: "a resend on the same process does not wait 10 s on its own claim").
// Severity: low (needs a Redis whose answers to one check are lost three times in a row,
// slowly, and the worker's socket dropping meanwhile, so that its resend reaches this
// process while the first check still retries; a 10 s stall, then the send is passed on once).
// Story: process 2 reads a copy {V, 1, was S3} (S is kept: process 1 holds it). Its check of
// S3 runs under claim c1 and takes S3, but its answer is slow and then lost. The socket drops
// (a network fault) and the worker resends the copy on its next socket, to this process,
// while the first check still waits for its answer: the resend's check finds no failed claim
// to retake (the first call has not failed yet), makes a new claim c2, and meets c1 holding
// S3. The first call then fails (three lost answers): c1 goes to `HeldClaims.#failed`, but
// the resend's loop keeps waiting on it as on another process's claim.
// What I saw: the resend answers false (passed on once) only after 10 s of polls.
// OLDER (review 19b's stall): ea39334's `retake` covers only a resend that begins after the
// failure; before it every resend waited 10 s on its own claim.
// Suggested fix: in `#seen`'s loop, a holder that is this process's failed claim for the key
// (`HeldClaims.retake` matching `answer`) is taken at once, as at the start.
// Fixed: a holder that is this process's failed claim for the key is taken at once
// (`HeldClaims.retake(key, answer)` in `#seen`'s loop).
it('does not wait on its own claim when the resend began while the failed check still retried', async () => {
  const prefix = `r19c-inflight${Math.random()}:`;
  let firstClaim: string | undefined;
  let ran = 0;
  let release: () => void = () => {};
  const slow = new Promise<void>((resolve) => {
    release = resolve;
  });
  const losing = {
    async sendCommand(args: ReadonlyArray<string>): Promise<unknown> {
      const answer: unknown = await shared.client.sendCommand([...args]);
      if (args[0] !== 'EVAL' || args[1] !== SEEN_IF_KEPT) return answer;
      const claim = args[8];
      firstClaim ??= claim;
      // The first call's three attempts lose their answers; a later call's are heard.
      if (claim !== firstClaim || ran === 3) return answer;
      ran += 1;
      if (ran === 1) await slow;
      throw new Error('simulated lost answer (it ran)');
    },
  };
  const clock = new FakeClock(1_000);
  const p1 = new RedisReplayStore(shared.client, { prefix }, clock);
  const p2 = new RedisReplayStore(losing, { prefix }, clock);
  await p1.read('S', 0);
  await p2.read('V', 0);
  const named = [{ session: 'S', id: 3 }];
  const first = receive(p2, 'V', 1, named);
  await waitUntil(() => ran === 1, 'the first check ran');
  const answers: boolean[] = [];
  const resend = receive(p2, 'V', 1, named);
  void resend.then((seen) => answers.push(seen));
  await waitUntil(() => clock.pending > 0, 'the resend waits on the first claim');
  release();
  await expect(first).rejects.toThrow('simulated lost answer');
  for (let poll = 0; poll < 500 && answers.length < 1; poll++) {
    await waitUntil(() => clock.pending > 0 || answers.length === 1, 'the next poll');
    if (answers.length < 1) clock.advance(100);
  }
  expect(await resend).toBe(false);
  expect(clock.now() - 1_000).toBeLessThan(10_000);
});
