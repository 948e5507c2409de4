/**
 * Review 20a of cd3a412 ("a hole in the numbering instead of a flag": a read that answers
 * resync for a push the store did not keep, or a `last` beyond the head, moves the head one
 * past max(last, head), written with `#persist`; when that write fails the mark is owed
 * again), played on a real Redis with the store alone, as a server's registry calls it.
 */
import { expect, it } from 'vitest';
import { pushPayload } from '../stores/push-payload';
import { refusingClient } from '../test-support/push-not-kept';
import { redisForTheFile } from '../test-support/redis-server';
import { RedisReplayStore } from './redis-replay-store';

const shared = redisForTheFile();

const quiet = { onError: () => {} };

/** Lets the microtasks and Redis's answers in flight run (a CHECKPOINT is sent at a task's end). */
async function settle(): Promise<void> {
  for (let round = 0; round < 5; round += 1) await shared.client.sendCommand(['PING']);
}

// Invariant: no spurious resync (sim/README.md "Invariants": a `resync` only where a push
// may be missing).
// Severity: low (one needless resync: the tabs refetch once; no push lost). Needs a push not
// kept (Redis refusing a write), the read that makes the hole, and Redis refusing that
// read's CHECKPOINT too: a Redis outage of a few writes, the `redis-write` fault.
// Story: S has pushes 1, 2 (the worker got both); push 3's DIRECT is refused (owed). The
// worker resumes from 2: resync, hole 3. The hole's CHECKPOINT fails: the store owes the
// mark again (so that a resume from 2 that never heard the answer resyncs too), and S is
// `lost` here. The worker DID hear the resync (head 3). A push is made: S being lost, its
// DIRECT is kept in Redis as 4, answered undefined (the registry ends the socket). The
// worker resumes from 3, its head: Redis has 4 after it (a direct push is an anchor of its
// own), and that replay is all it missed. The owed mark answers resync again, and moves
// the head to 5.
// What I saw: the second read answers `{ head: 5, entries: undefined }`, not a replay of 4.
// NEW (cd3a412): the mark owed again on a failed hole write knows no `last`: it resyncs a
// worker that resumes from the hole itself (or above), which the hole told it.
// Suggested fix: owe the hole rather than a flag: `#unkept` maps the key to the hole's
// number, and a read owes resync only to a `last` below it (a mark from a push not kept
// has no number: below infinity, as now).
// Fixed: a failed hole write owes resync only to a `last` below the hole's number.
it('owes no second resync to the worker that heard the hole whose write failed', async () => {
  const prefix = `r20a-refail${Math.random()}:`;
  const { client, refuse } = refusingClient(shared.client);
  const store = new RedisReplayStore(client, { prefix, ...quiet });
  await store.read('s', 0);
  expect(await store.append('s', pushPayload('"data":1'))).toBe(1);
  expect(await store.append('s', pushPayload('"data":2'))).toBe(2);
  refuse.direct = true;
  await expect(store.append('s', pushPayload('"data":3'))).rejects.toThrow('refused DIRECT');

  refuse.checkpoint = true;
  const resync = await store.read('s', 2);
  expect(resync).toMatchObject({ head: 3, entries: undefined });
  await settle();
  expect(refuse.checkpoint).toBe(false);
  // Lost here: kept in Redis, answered undefined (its socket ends).
  expect(await store.append('s', pushPayload('"data":4'))).toBeUndefined();

  const again = await store.read('s', 3);
  expect(again.entries?.map((entry) => entry.seq)).toEqual([4]);
});

// Invariant: every push reaches every handle that wants it once, in order, or a `resync`
// comes before the first gap (sim/README.md "Invariants", Delivery).
// Severity: medium-low (a push lost with no resync). Needs two server processes on one
// Redis, a push Redis refused on A, and the worker's next two resumes of S racing: the
// first one read on A (its socket dead, or its answer lost), the second one's READ on B
// landing after A's READ and before A's hole is written. A's read waits up to a second for
// its fan-out subscriber (`log.reached`, REACH_WITHIN) between the two: with a lagging
// subscriber the window is that second, not a round trip.
// Story: S has pushes 1, 2 (the worker got both); push 3's DIRECT on A is refused: A owes S a
// resync. The worker's resume from 2 is read on A: A's READ runs, and A answers resync with a
// hole (3), written by a CHECKPOINT sent after. Meanwhile the worker's next socket, on B,
// resumes from 2: B's READ runs before A's CHECKPOINT, so B owns S and counts it from what
// Redis has (1, 2): `resumed` with an empty replay, over push 3. A's CHECKPOINT is refused
// (B owns S) and A owes the mark again, in its own memory, where no resume of S comes.
// What I saw: B's read answers `{ head: 2, entries: [] }`.
// OLDER in effect (before cd3a412 nothing went to Redis at all: B answered the same), but
// it is a window of cd3a412's claim ("every later resume from below it, on any server,
// is answered resync"): the mark leaves A's memory at A's read, and reaches Redis only at
// its CHECKPOINT.
// Suggested fix: write the hole in the READ itself (READ takes the owed flag and moves the
// anchors in the same script when owed), or have a read on A that owes hold the mark in
// Redis before its READ answers (a HSET of a `hole` field with the DIRECT failure's next
// successful command), so that whichever READ comes second sees it.
// Fixed: an owed READ leaves the hole in Redis itself (both anchors past any head the session had).
it('resyncs a resume on another server whose read lands before the hole is written', async () => {
  const prefix = `r20a-race${Math.random()}:`;
  const { client, refuse } = refusingClient(shared.client);
  const a = new RedisReplayStore(client, { prefix, ...quiet });
  const b = new RedisReplayStore(shared.client, { prefix, ...quiet });
  await a.read('s', 0);
  expect(await a.append('s', pushPayload('"data":1'))).toBe(1);
  expect(await a.append('s', pushPayload('"data":2'))).toBe(2);
  refuse.direct = true;
  await expect(a.append('s', pushPayload('"data":3'))).rejects.toThrow('refused DIRECT');

  // Both READs go before A's CHECKPOINT (sent at the end of the task A's answer comes in).
  const onA = a.read('s', 2);
  const onB = b.read('s', 2);
  expect(await onA).toMatchObject({ entries: undefined });
  const fromB = await onB;
  expect(fromB.entries).toBeUndefined();
});

// Invariant: as above (a `resync` before the first gap).
// Severity: low (a push lost with no resync). Needs, on one process, more than 1,024 sessions
// with a push not kept between one session's push not kept and its worker's resume: a
// broadcast (`appendMany` without a fan-out: one DIRECT per session, each refused) during a
// Redis outage on a server holding more than 1,024 sessions, and the session's socket
// dropping before its next push reached it (an attached worker sees the number skipped).
// Story: S has push 1 (the worker got it); push 2's DIRECT is refused: S is owed. Then 1,024
// other sessions' pushes are not kept here (here: pushes to sessions this store does not
// hold, the cheapest way to mark one). `#owe` lets the oldest mark go past MAX_UNKEPT, by
// insertion order: S's, though S is held here and its worker is about to resume. S's resume
// from 1 counts from Redis (push 2 never written, nor its number): `resumed`, empty replay.
// What I saw: `{ head: 1, entries: [] }`; the next push is numbered 2 again, so the worker
// never sees the gap.
// OLDER in kind (the bound is review 18i's, for the marks of sessions that moved away), more
// reachable since cd3a412 marks every refused DIRECT, which before marked nothing at all.
// Suggested fix: keep the mark of a session this store holds on its `HeldSession` (bounded
// by the sessions held), and bound only the marks of sessions it does not hold.
// Fixed: a held session's mark is kept on its `HeldSession`; only marks of sessions not held are capped.
it('keeps the mark of a session it holds past 1,024 others not kept', async () => {
  const prefix = `r20a-evict${Math.random()}:`;
  const { client, refuse } = refusingClient(shared.client);
  const store = new RedisReplayStore(client, { prefix, ...quiet });
  await store.read('s', 0);
  expect(await store.append('s', pushPayload('"data":1'))).toBe(1);
  refuse.direct = true;
  await expect(store.append('s', pushPayload('"data":2'))).rejects.toThrow('refused DIRECT');
  for (let index = 0; index < 1_024; index += 1) {
    expect(await store.append(`other${index}`, pushPayload('"data":0'))).toBeUndefined();
  }

  expect((await store.read('s', 1)).entries).toBeUndefined();
});

// Invariant: as above (a `resync` before the first gap); and numbers never go backwards
// under one id.
// Severity: medium (a push lost with no resync, on one server: the case cd3a412 fixes, with
// one more push in it). Needs a push kept that the worker missed (its socket dropped), then
// a push not kept (Redis refused it), then the resync answer lost (its socket dies too, or
// its resume's socket closed as it was read): the `socket` and `redis-write` faults.
// Story: S has push 1 (the worker got it) and push 2, kept in Redis, that the worker missed;
// push 3's DIRECT is refused: owed. The worker resumes from 1: resync, and the hole moves
// S's anchors (both) to 3. The answer is lost. The worker resumes from 1 again: both anchors
// are above 1, but a direct push is an anchor of its own (`anchorsFor`: the push after
// `last`, here 2, counts from {1, its mark}), and counting from it passes under the hole:
// head 2, a replay of 2. The push not kept is a gap with no resync, and the head went back
// from 3 to 2 (the next push is numbered 3 again: the number the resync told).
// What I saw: the second read answers `{ head: 2, entries: [{ seq: 2 }] }`.
// NEW (cd3a412's promise: "every later resume from below it, on any server, resyncs");
// the same read on another server answers the same.
// Suggested fix: a count whose head stays below the newest anchor's head (`record.cur.head`)
// passed under a hole: no replay (resync), the head from the anchor on; or a hole written
// as its own field (`hole` in the hash) that `countResume` refuses to replay across.
// Fixed: a count ending below the newest anchor's head resyncs, counted from that anchor on.
it('resyncs the resume from below the hole when a direct push follows its last', async () => {
  const prefix = `r20a-under${Math.random()}:`;
  const { client, refuse } = refusingClient(shared.client);
  const store = new RedisReplayStore(client, { prefix, ...quiet });
  await store.read('s', 0);
  expect(await store.append('s', pushPayload('"data":1'))).toBe(1);
  // Kept; the worker's socket had dropped.
  expect(await store.append('s', pushPayload('"data":2'))).toBe(2);
  refuse.direct = true;
  await expect(store.append('s', pushPayload('"data":3'))).rejects.toThrow('refused DIRECT');

  const lost = await store.read('s', 1);
  expect(lost).toMatchObject({ head: 3, entries: undefined });
  await settle();

  const again = await store.read('s', 1);
  expect(again.head).toBeGreaterThanOrEqual(3);
  expect(again.entries).toBeUndefined();
});

// Invariant: no spurious resync (a `resync` only where a push may be missing).
// Severity: low (one needless resync, the tabs refetch once more; no push lost). Needs one
// refused DIRECT while the worker is attached, a push after it, and the socket dropping
// before the session is read again: the `redis-write` and `socket` faults.
// Story: S has push 1 (the worker got it); push 2's DIRECT is refused: owed, and its number
// is spent (the store's head is 2). Push 3 is kept and written: the worker hears 3 after 1,
// a gap in the numbers, and resyncs on its own (`WireSession`: 'gap'), as the docs say of a
// refused push. Its socket drops; it resumes from 3. The mark, made for a push numbered 2,
// answers this resume resync too, and moves the head to 4: a second resync for one push,
// to a worker whose `last` shows it heard a number after the one not kept.
// What I saw: `{ head: 4, entries: undefined }` for the resume from 3.
// OLDER (on 7055e57 the same read answers `{ head: 3, entries: undefined }`): the count from
// Redis cannot pass the number the refused push was given (`numberFrom` refuses direct push
// 3 after head 1), so the resume resyncs without the mark; cd3a412's mark only moves the
// head one further. Lower in value than the others here; kept as the statement of what
// should hold.
// Suggested fix: the number of a refused DIRECT written with the store's next write that
// Redis takes (e.g. DIRECT's ARGV carries the numbers spent since the last one kept, and
// the stream records them as skipped), so that a count may pass it for a worker whose
// `last` is past it; and the mark keeps that number, owing resync only to a `last` below it.
it.fails('owes no resync to a worker whose last is past the push not kept', async () => {
  const prefix = `r20a-past${Math.random()}:`;
  const { client, refuse } = refusingClient(shared.client);
  const store = new RedisReplayStore(client, { prefix, ...quiet });
  await store.read('s', 0);
  expect(await store.append('s', pushPayload('"data":1'))).toBe(1);
  refuse.direct = true;
  await expect(store.append('s', pushPayload('"data":2'))).rejects.toThrow('refused DIRECT');
  expect(await store.append('s', pushPayload('"data":3'))).toBe(3);

  expect(await store.read('s', 3)).toMatchObject({ head: 3, entries: [] });
});
