/**
 * Review 18h, of 3383776 (`ReplayStore.close`, called at the end of the server's close, ends
 * the store's HELD waits and its PASSED retries for good: `HeldClaims` has no way back).
 */
import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../test-support/fake-clock';
import { Harness, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';
import { RedisReplayStore } from './redis-replay-store';

const shared = redisForTheFile();
const harness = new Harness();
afterEach(() => harness.dispose());

// Invariant: nothing lost; each send settles once (docs/design.md "Delivery guarantees";
// docs/redis.md: a resend that meets a held id "waits for it and is passed on once it
// waited 10 s").
// Severity: low (an app that closes its TabSocketServer and starts another on the same
// RedisReplayStore object, e.g. a graceful restart in one process or a test suite's
// servers; nothing in docs/server.md or docs/redis.md says a store is done with once its
// server closed, and the in-memory store is reusable).
// Story: store X served a first server, closed; a second server on X holds session S; a
// process that died left id 3 of S held by its claim (taken, never PASSED). The worker sends
// #3 on the second server.
// What I saw: X's SEEN meets the claim, `HeldClaims.wait` rejects at once ("The Redis store
// is closed"), the message is not acknowledged and its socket is closed with 1013; each
// resend does the same (the wait that would take the id over never starts), so the send is
// never passed on while the dead claim lives (a `p3` field lasts as long as the session).
// The same store's refused PASSEDs are never made again either (`refused` returns on closed).
// NEW with 3383776 (before it, the poll was a plain timer on the store's clock).
// Suggested fix: let `close` end what waits now without closing the store for good (a
// `HeldClaims` made anew, or `#closed` reset as the store is used again), or document that a
// RedisReplayStore serves one server and make `seen` after close throw a clear error.
// Fixed: `close` ends what waits and forgets the claims; the store serves the next server.
it('waits for a held id, and passes it on, in a store whose first server closed', async () => {
  const prefix = `r18h-closed${Math.random()}:`;
  const clock = new FakeClock(1_000);
  const store = new RedisReplayStore(shared.client, { prefix }, clock);
  const first = await harness.start({ replayStore: store });
  await first.server.close();
  const app: unknown[] = [];
  const second = await harness.start({ replayStore: store });
  second.server.on('message', (_client, data) => app.push(data));
  const client = await harness.connect(second.url);
  await client.resume('session-s-00000001', 0);
  // A process that died as it passed #3 on: the id is held by its claim.
  const dead = new RedisReplayStore(shared.client, { prefix }, new FakeClock(1_000));
  // The registry's key of an anonymous session (`SessionRegistry.#keyOf`).
  const key = JSON.stringify(['session-s-00000001']);
  expect(await dead.seenIfKept(key, 3, 64)).toBe(false);
  let closed: number | undefined;
  void client.closed.then(({ code }) => {
    closed = code;
  });
  client.send({ $ts: 'msg', id: 3, text: '"pay"' });
  const acked = () => client.messages.includes('{"$ts":"ack","id":3}');
  for (let poll = 0; poll < 200 && !acked() && closed === undefined; poll++) {
    await waitUntil(() => clock.pending > 0 || acked() || closed !== undefined, 'a poll');
    if (!acked() && closed === undefined) clock.advance(100);
  }
  expect(closed).toBeUndefined();
  expect(app).toEqual(['pay']);
});
