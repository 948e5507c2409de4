/**
 * Review 20h of 6f11a0f (the hole READ writes counts from the newest direct push too, as an
 * anchor: `dhead + max(0, counter - dmark)`), on a real Redis with the store alone.
 */
import { expect, it } from 'vitest';
import type { FanoutMessage } from '../stores';
import { pushPayload } from '../stores/push-payload';
import { refusingClient } from '../test-support/push-not-kept';
import { redisForTheFile } from '../test-support/redis-server';
import { FanoutLog } from './fanout-log';
import { RedisReplayStore } from './redis-replay-store';

const shared = redisForTheFile();

const bodyOf = (message: FanoutMessage) => `"data":${JSON.stringify(message.d)}`;
const ann = { userId: 'ann', topics: new Set<string>() };

/** Redis starts its fan-out counter from its time in microseconds (COUNTER in scripts.ts). */
const COUNTER_START = 1_765_000_000_000_000;

/** A store on the shared Redis whose next DIRECT fails when asked, following one fan-out log. */
function server() {
  const prefix = `r20h-empty${Math.random()}:`;
  const { client, refuse } = refusingClient(shared.client);
  const log = new FanoutLog(100);
  const store = new RedisReplayStore(client, { prefix, onError: () => {} });
  store.followFanout(log, bodyOf);
  /** Fan-out `n` for ann, numbered by Redis and made here. */
  const fanout = async (n: number, sessions: string[]) => {
    await shared.client.set(`${prefix}fanout:n`, String(n));
    const message: FanoutMessage = { k: 'u', u: 'ann', d: n };
    let numbers: unknown;
    log.make(n, message, () => {
      numbers = store.appendMany(sessions, pushPayload(bodyOf(message)));
    });
    return numbers;
  };
  return { store, refuse, fanout };
}

// Invariant: none that the sim checks is broken (numbers still only go up under one id, the
// hole is still above every number given); what breaks is the hole's meaning, "one past any
// head the session can have had" counted from its anchors, and session numbers staying small.
// Severity: low. Every owed resync of a session whose stream keeps no direct push (one that
// only ever got fan-outs, the common case, or whose direct pushes expired) moves its numbers
// up to the global fan-out counter, which in production starts at Redis's time in
// microseconds (about 1.77e15, COUNTER in scripts.ts): its pushes are numbered from there on,
// 16 digits on every push frame, about a fifth of Number.MAX_SAFE_INTEGER. It does not
// compound by itself (a max, not a sum: the next hole counts from the anchor at the counter).
// Story: S is read with the counter at C (anchors (0, C)); fan-out C+1 is numbered 1 for it;
// push 2's DIRECT is refused (owed). The worker resumes from 0: resync, and READ writes the
// hole. The stream is empty, so `out[8]` is '0' and `dmark` stays 0: the new term is
// 0 + max(0, counter - 0) = C+1, and the hole C+2.
// What I saw: head 1_765_000_000_000_002; at 6f11a0f~1 the same read answers head 2.
// NEW with 6f11a0f (the same test passes at 6f11a0f~1). `headAbove` does not have it (no
// direct, no anchor from `record.directs.at(-1)`), so Lua and `headAbove` now disagree.
// Suggested fix: count the newest direct push only when the stream has one, e.g. start with
// `local dmark = nil` and leave its term out while it is nil (or add the term inside
// `if top == '+' and #chunk > 0`), as `headAbove` does with `record.directs.at(-1)`.
// Fixed: READ counts the newest direct push into the hole only when the stream keeps one.
it("keeps the hole near the session's numbers when its stream keeps no direct push", async () => {
  const { store, refuse, fanout } = server();
  await fanout(COUNTER_START, []);
  await store.read('s', undefined, ann);
  expect(await fanout(COUNTER_START + 1, ['s'])).toEqual([1]);
  refuse.direct = true;
  await expect(store.append('s', pushPayload('"data":2'))).rejects.toThrow('refused DIRECT');

  const resumed = await store.read('s', 0, ann);
  expect(resumed.entries).toBeUndefined();
  expect(resumed.head).toBeLessThan(10);
});
