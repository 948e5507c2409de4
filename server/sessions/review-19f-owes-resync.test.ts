/**
 * Review 19f of 93f9c03: a resume answered `closed` whose read had no replay keeps the
 * session and sets `Session.owesResync`; the next resume that attaches answers resync and
 * clears it.
 *
 * The first three are played on Redis, with a push it refused (a real push the store did not
 * keep) in place of the one-shot mark the review faked: the store owes the resync now, and
 * leaves a hole in the session's numbering (see `ReplayStore.read`).
 */
import { expect, it } from 'vitest';
import { MemoryReplayStore } from '../memory/memory-replay-store';
import type { ReplayStore } from '../stores';
import { pushPayload } from '../stores/push-payload';
import { FakeClock } from '../test-support/fake-clock';
import { refusingRedisStore, withPushNotKept } from '../test-support/push-not-kept';
import { redisForTheFile } from '../test-support/redis-server';
import { resumeOf, resumeSocket } from '../test-support/resume-socket';
import { type ResumeOutcome, SessionRegistry } from './session-registry';

const shared = redisForTheFile();

function memoryStore(maxCount = 10): MemoryReplayStore {
  return new MemoryReplayStore({ maxCount, maxAge: 60_000, maxBytes: 100_000 });
}

function registryOn(store: ReplayStore): SessionRegistry {
  return new SessionRegistry(
    store,
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
  );
}

/** A resync: under a new id, or with no replay. */
function isResync(outcome: ResumeOutcome): boolean {
  if (outcome.kind !== 'attached') throw new Error(`not attached: ${outcome.kind}`);
  return outcome.newId !== undefined || outcome.replay === undefined;
}

// Invariant: each push reaches every handle that wants it exactly once, in order, or a
// `resync` comes before the first gap (docs/design.md, "Delivery guarantees").
// Severity: medium (a push lost with no resync; needs two servers on one Redis, a push Redis
// did not keep, and the worker's socket closing while its resume reads, then its next socket
// landing on the other server: a flapping network behind a load balancer, or a reload).
// Story: servers A and B share the store (Redis). Session S (pushes 1, 2, the worker got both) has a
// push the store did not keep marked for the next read. The worker's socket resumes S on A
// and closes while A reads: A's read takes the mark (no entries), and 93f9c03 sets
// `owesResync` on A's Session object, which only A's registry sees (RedisReplayStore's mark
// is A's process's too, and is gone). The worker's next socket lands on B: B's read finds S
// kept, unmarked, and
// answers `resumed` with a replay: the push the store did not keep is a gap, no resync.
// What I saw: B's outcome is attached with a replay ([]), no newId: `resumed`. With
// 09b15db the closed branch evicted S (`store.drop`), B's read found it fresh (gone), and
// B answered resync under a new id: this test passes on 09b15db's registry.
// NEW (93f9c03): the debt moved from the store (dropped there, every server saw it) into
// one process's memory. (Before 09b15db it failed too: review 19d's lead.) [Note of the
// round: 09b15db never landed; against the landed code (caca030, as f033ad3) this is OLDER.]
// Suggested fix: keep the debt where every server reads it: have the store keep the mark
// until a read that attaches takes it (e.g. `read(..., {forClosed: true})` does not consume
// it, or the closed branch asks the store to re-mark: a `ReplayStore.owesResync(key)`), or
// with a shared store fall back to 09b15db's eviction, whose cost (message ids dropped) the
// `was` path pays only when the worker also had an unacked send.
// Fixed: the read that takes the store's mark (a push not kept) moves the head one past the
// worker's last, a number no push gets, kept in Redis: every later resume from below it
// resyncs, on any server (`ReplayStore.read`); `Session.owesResync` is gone.
it('tells resync to the next resume on another server after a closed one read no replay', async () => {
  const prefix = `r19f-other${Math.random()}:`;
  const { store, refuse } = refusingRedisStore(shared.client, prefix);
  const a = registryOn(store);
  const b = registryOn(refusingRedisStore(shared.client, prefix).store);
  await withPushNotKept(a, refuse);

  expect(await resumeOf(a, resumeSocket({ isOpen: false }), 2)).toEqual({
    kind: 'failed',
    reason: 'closed',
  });

  expect(isResync(await resumeOf(b, resumeSocket(), 2))).toBe(true);
});

// Invariant: a resync comes before the first gap, as above: a resync the worker never got
// is not a resync.
// Severity: medium (a push lost with no resync; needs a push the store did not keep, the
// socket closing while its resume reads, and the next socket dying right after the server
// wrote its answer, before the worker read it: a flapping network, `blackhole`).
// Story: as closed-resume-replay.test.ts: S's closed resume takes the store's mark, and
// 93f9c03 sets `owesResync`. The worker's next socket C resumes S: attached, `replay`
// undefined (a resync), and `owesResync` cleared as it attaches. The resync is written to C
// and C dies before the worker reads it. The worker's next socket D resumes S from the same
// `last`: the store has no mark, nor S the flag: `resumed` with a replay, over the gap.
// What I saw: D is answered with a replay (`resumed`). On 09b15db's registry (S evicted and
// dropped from the store) C resynced onto a new id, and D, naming S, found it gone:
// resync again (this test passes there).
// NEW (93f9c03) by way of the flag (passes on 09b15db, fails before it) [OLDER against the
// landed code: 09b15db never landed]; the same hole is
// OLDER without a closed resume (the store's own mark is taken by a read whose resync
// answer is then lost: the next test, failing on f033ad3, 09b15db and 93f9c03 alike).
// Suggested fix: let the debt go only once the worker shows it got the resync: keep, with
// the flag, the head the resync told (`owesResyncBelow = head`) and answer resync to any
// resume whose `last` is below it (a worker that got the resync resumes from that head or
// beyond); the store's mark likewise (or record it in the session's hash on Redis).
// Fixed: as above; the hole answers every resume from below it, not the first alone.
it('tells resync again when the resync owed was written to a socket that died', async () => {
  const { store, refuse } = refusingRedisStore(shared.client, `r19f-died${Math.random()}:`);
  const registry = registryOn(store);
  await withPushNotKept(registry, refuse);

  expect(await resumeOf(registry, resumeSocket({ isOpen: false }), 2)).toEqual({
    kind: 'failed',
    reason: 'closed',
  });
  const c = resumeSocket();
  const toC = await resumeOf(registry, c, 2);
  expect(isResync(toC)).toBe(true);
  // The answer was written; C dies before the worker reads it.
  if (toC.kind === 'attached') registry.detach(toC.session, c);

  expect(isResync(await resumeOf(registry, resumeSocket(), 2))).toBe(true);
});

// The same, OLDER: no closed resume; the store's mark is taken by C's read itself.
// Fixed: as above.
it('tells resync again when the store marked resync was written to a socket that died', async () => {
  const { store, refuse } = refusingRedisStore(shared.client, `r19f-marked${Math.random()}:`);
  const registry = registryOn(store);
  await withPushNotKept(registry, refuse);

  const c = resumeSocket();
  const toC = await resumeOf(registry, c, 2);
  expect(isResync(toC)).toBe(true);
  if (toC.kind === 'attached') registry.detach(toC.session, c);

  const toD = await resumeOf(registry, resumeSocket(), 2);
  expect(isResync(toD)).toBe(true);
  // The worker that heard the resync resumes from the head it told: a replay.
  if (toD.kind !== 'attached') throw new Error('not attached');
  expect(isResync(await resumeOf(registry, resumeSocket(), toD.head))).toBe(false);
});

// Invariant: no resync for nothing; "no flag left set on a session that is attached" (a
// resync owed to nobody, told to the next healthy resume).
// Severity: low (one needless resync of a healthy worker: its tabs refetch their state; no
// push lost, no loop: the flag is cleared by that resume).
// Story: the worker W2 resumes S and attaches (up to date: `last` 5). A resume of S from a
// stale socket (a dying worker's, `early-worker-death`; or any socket that knows the id,
// for an anonymous session) with an old `last` 1 arrives after, its socket closing while
// it reads. The log keeps 2 pushes: no replay for `last` 1, and 93f9c03 sets `owesResync`
// on S, which W2 holds. Had that socket been open it would have taken S over (W2
// terminated, and resyncing on its own); closed, it leaves S to W2 with the flag. W2's next
// resume (a blip), from `last` 5 that the log has, is answered resync.
// What I saw: W2's next resume is a resync (`replay` undefined) though its replay is kept.
// On 09b15db's registry S was evicted instead: W2's socket terminated and its resume found
// S gone, a resync under a new id (worse); before 09b15db no flag: `resumed`.
// NEW since 09b15db (passes on f033ad3); 93f9c03 makes it one needless resync instead of
// an eviction.
// Suggested fix: a closed resume whose session has a socket attached (another resume came
// first and is answered) owes that socket nothing: set the flag only when `target.socket`
// is undefined (or record, with the flag, the `last` of the resume that owes, and owe only
// resumes from at most that `last`).
// Fixed: the flag is set only on a session no socket holds.
it('owes no resync to a healthy worker for a stale closed resume behind it', async () => {
  const registry = registryOn(memoryStore(2));
  const first = resumeSocket();
  const attached = await resumeOf(registry, first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  for (let n = 1; n <= 5; n += 1) registry.push(attached.session, pushPayload(`"data":${n}`));
  registry.detach(attached.session, first);

  const w2 = resumeSocket();
  const toW2 = await resumeOf(registry, w2, 5);
  expect(isResync(toW2)).toBe(false);
  expect(await resumeOf(registry, resumeSocket({ isOpen: false }), 1)).toEqual({
    kind: 'failed',
    reason: 'closed',
  });
  if (toW2.kind === 'attached') registry.detach(toW2.session, w2);

  expect(isResync(await resumeOf(registry, resumeSocket(), 5))).toBe(false);
});
