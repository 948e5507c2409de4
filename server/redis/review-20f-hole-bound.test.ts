/**
 * Review 20f of the hole READ writes (8ab6de1, branch hole2: an owed READ sets both anchors
 * one past any head the session can have had), on a real Redis with two servers' stores.
 */
import { expect, it } from 'vitest';
import type { FanoutMessage } from '../stores';
import { pushPayload } from '../stores/push-payload';
import { refusingClient } from '../test-support/push-not-kept';
import { redisForTheFile } from '../test-support/redis-server';
import { FanoutLog } from './fanout-log';
import { RedisReplayStore } from './redis-replay-store';
import type { RedisCommandClient } from './store-options';

const shared = redisForTheFile();

const bodyOf = (message: FanoutMessage) => `"data":${JSON.stringify(message.d)}`;
const ann = { userId: 'ann', topics: new Set<string>() };

/** Two servers on one Redis, remembering the same fan-outs; A's client refuses on demand. */
function servers() {
  const prefix = `r20f-bound${Math.random()}:`;
  const log = new FanoutLog(100);
  const { client, refuse } = refusingClient(shared.client);
  const store = (on: RedisCommandClient) => {
    const made = new RedisReplayStore(on, { prefix, onError: () => {} });
    made.followFanout(log, bodyOf);
    return made;
  };
  /** Fan-out `n` for ann, numbered by Redis and made on A's server. */
  const fanout = async (n: number, sessions: string[]) => {
    await shared.client.set(`${prefix}fanout:n`, String(n));
    const message: FanoutMessage = { k: 'u', u: 'ann', d: n };
    let numbers: unknown;
    log.make(n, message, () => {
      numbers = a.appendMany(sessions, pushPayload(bodyOf(message)));
    });
    return numbers;
  };
  const a = store(client);
  return { a, b: store(shared.client), refuse, fanout };
}

/** Lets the microtasks and Redis's answers in flight run. */
async function settle(): Promise<void> {
  for (let round = 0; round < 5; round += 1) await shared.client.sendCommand(['PING']);
}

// Invariant: every push once, in order, or a `resync` before the first gap (sim/README.md
// "Invariants", Delivery); a hole is "one past any head the session can have had".
// Severity: medium-low (a push lost with no resync). Needs what review 20a's race needed (a
// push Redis refused on A, the worker's next two resumes racing: the first read on A, the
// second's READ on B before A's CHECKPOINT), plus a direct push followed by a fan-out for the
// session since its newer anchor in Redis: the usual mix of a server's pushes.
// Story: S (ann's) has direct push 1, then fan-out 1 for ann, numbered 2 on A. Push 3's
// DIRECT on A is refused: A owes S a resync. The worker (which got none of them, its socket
// dead) resumes from 0 on A, and again from 0 on B. A's READ, owed, writes the hole: its bound
// is max(last 0, newest direct 1, anchor 0 + 1 fan-out since) + 1 = 2: the number fan-out 1
// had. B's READ sees anchors at 2; the direct push 1 after B's last is an anchor of its own
// (0, mark 0), from which B counts 1, 2: a head of 2, not below the newest anchor's, so
// `countResume` replays [1, 2], over push 3.
// What I saw: B answers `entries` [1, 2] (head 2); A answered resync at 3.
// NEW code (the READ's bound, 8ab6de1), the loss OLDER in effect (checked at 3901e43: B
// answers the same [1, 2]): it is review 20a's race,
// which this READ hole was to close; it stays open whenever a direct push is followed by a
// fan-out since the anchor. `headAbove` has the same bound (older: used when the count
// fails).
// Suggested fix: the bound counts the fan-outs since the newest direct push's mark on top of
// its number (`dhead + counter - dmark`, the stream's `m` of its newest entry), as it counts
// them on top of each anchor; the same in `headAbove`.
// Fixed: the hole (READ, and `headAbove`) counts from the newest direct push too, as an
// anchor: the fan-outs after its mark follow it.
it('resyncs a resume on B after A wrote the hole, a direct push followed by a fan-out', async () => {
  const { a, b, refuse, fanout } = servers();
  await a.read('s', 0, ann);
  expect(await a.append('s', pushPayload('"data":1'))).toBe(1);
  expect(await fanout(1, ['s'])).toEqual([2]);
  refuse.direct = true;
  await expect(a.append('s', pushPayload('"data":3'))).rejects.toThrow('refused DIRECT');

  const onA = a.read('s', 0, ann);
  const onB = b.read('s', 0, ann);
  expect(await onA).toMatchObject({ head: 3, entries: undefined });
  const fromB = await onB;
  expect(fromB.entries).toBeUndefined();
});

// Invariant: as above (a `resync` before the first gap).
// Severity: medium-low (pushes lost with no resync). Needs a push Redis refused on A, the
// resume that owes it on A, and that resume's CHECKPOINT refused too (a Redis outage of a few
// writes, the `redis-write` fault; the case the READ hole was to cover: "a read elsewhere
// before the store writes its own resyncs too"), then the worker's next resume on B.
// Story: S has direct pushes 1, 2, then fan-outs 1 and 2 for ann, numbered 3, 4 on A. Push
// 5's DIRECT is refused: owed. The worker resumes from 0 on A: resync at head 5 (A counts
// exactly: max(4 + 1, 0 + 1)). A's READ wrote its own hole: max(0, 2, 0 + 2) + 1 = 3, with the
// mark at fan-out 2, where S's pushes were numbered up to 4. A's CHECKPOINT of 5 is refused:
// Redis keeps the anchors (3, 2), below the head A told the worker. Fan-outs 3, 4 are made
// (A lost S: none written). The worker resumes from 5 on B: B counts fan-outs 3, 4 from
// anchor (3, 2) as 4, 5, a head of 5 = last: it replays nothing.
// What I saw: B answers `{ head: 5, entries: [] }`: fan-outs 3 and 4 lost, and fan-out 4
// numbered 5, the number of the worker's resync head.
// NEW code (the READ's bound, 8ab6de1), the loss OLDER in effect (checked at 3901e43: Redis
// kept the anchors at 0, and B counted 3..6, replaying only [6]: fan-out 3 lost); the hole
// written in READ was to make Redis hold the resync's head whatever became of the
// CHECKPOINT, and here loses one push more.
// Suggested fix: as above (the bound counts the fan-outs after the newest direct push).
// Fixed: the same.
it('keeps the resync head A told the worker in Redis when its CHECKPOINT fails', async () => {
  const { a, b, refuse, fanout } = servers();
  await a.read('s', 0, ann);
  expect(await a.append('s', pushPayload('"data":1'))).toBe(1);
  expect(await a.append('s', pushPayload('"data":2'))).toBe(2);
  expect(await fanout(1, ['s'])).toEqual([3]);
  expect(await fanout(2, ['s'])).toEqual([4]);
  refuse.direct = true;
  await expect(a.append('s', pushPayload('"data":5'))).rejects.toThrow('refused DIRECT');

  refuse.checkpoint = true;
  expect(await a.read('s', 0, ann)).toMatchObject({ head: 5, entries: undefined });
  await settle();
  expect(refuse.checkpoint).toBe(false);
  await fanout(3, ['s']);
  await fanout(4, ['s']);

  const fromB = await b.read('s', 5, ann);
  expect(fromB.entries?.map((entry) => entry.seq)).toEqual([6, 7]);
});
