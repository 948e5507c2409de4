/**
 * Review 19e of 09b15db (a resume answered `closed` whose read had no replay evicts the
 * session: `#evict` -> `#forget` -> `store.drop`) and cc3b196 (the closed branch takes
 * `read.topics`).
 */
import { expect, it } from 'vitest';
import { MemoryReplayStore } from '../memory/memory-replay-store';
import type { ReplayRead, ReplayStore } from '../stores';
import { pushPayload } from '../stores/push-payload';
import { FakeClock } from '../test-support/fake-clock';
import { resumeOf, resumeSocket } from '../test-support/resume-socket';
import { SessionRegistry } from './session-registry';

function registryOn(store: ReplayStore): SessionRegistry {
  return new SessionRegistry(
    store,
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
  );
}

/** A store that keeps 2 pushes per session: a worker 3 behind reads no replay. */
function trimmingStore(): MemoryReplayStore {
  return new MemoryReplayStore({ maxCount: 2, maxAge: 60_000, maxBytes: 100_000 });
}

// Invariant: sends settle once (resolved = the app got it exactly once): "the server passes
// each number on once"; a send written again under a new session's id says `was`, and is
// dropped while the server or the store holds that session (docs/design.md, "Delivery
// guarantees").
// Severity: medium (a send passed to the app twice; needs a worker behind by more than the
// log keeps, or a push the store did not keep on Redis, a send whose ack was lost, and the
// worker's socket closing while its resume reads the store: a flapping network).
// Story: session S passed message 1 on (`seen`), its ack lost with the socket. The worker
// is behind by more than the log keeps. Its next socket resumes S and closes while the read
// runs; the read has no replay (`entries` undefined: trimmed). 09b15db evicts S there:
// `#forget` -> `store.drop`, which drops S's log AND its message ids. The worker's next
// resume finds S gone and is answered `resync` onto a new id; it sends message 1 again as
// the new session's, `was: {S, 1}`. `seenIn` asks the registry (S unlisted) and the store
// (`seenIfKept`: S dropped, undefined): nothing knows it, and it is passed on again.
// What I saw: the next resume is a resync under a new id, and `seenIn(new, {S, 1})` answers
// undefined (passed on a second time). Before 09b15db the closed branch kept S, the next
// resume was a resync under S itself, and `seen(S, 1)` answered true.
// NEW (09b15db): the eviction was for a read found gone (19c), where the store had lost the
// ids anyway; a read with no replay still had them.
// Suggested fix: do not drop a session the store still has for a missing replay: keep it
// (as before) and remember on the session that its next resume answers with no replay
// (e.g. a `resyncNext` state consumed by the next `attach`, or bump a counter the next
// resume compares as it compares `unkept`), so the next resume resyncs under the same id
// and keeps its message ids.
// Fixed: the session is kept, and owes its next resume a resync (`Session.owesResync`; since
// review 19f the store owes it, see `ReplayStore.read`).
it('keeps the message ids of a session whose closed resume read no replay', async () => {
  const registry = registryOn(trimmingStore());
  const first = resumeSocket();
  const attached = await resumeOf(registry, first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  // Message 1 passed on to the app; its ack is lost with the socket.
  expect(await registry.receipts.seen(attached.session, 1)).toBe(false);
  for (let n = 1; n <= 5; n += 1) registry.push(attached.session, pushPayload(`"data":${n}`));
  registry.detach(attached.session, first);

  // The worker got push 1 only; its socket closes while the resume reads (trimmed: no replay).
  expect(await resumeOf(registry, resumeSocket({ isOpen: false }), 1)).toEqual({
    kind: 'failed',
    reason: 'closed',
  });

  const next = await resumeOf(registry, resumeSocket(), 1);
  if (next.kind !== 'attached') throw new Error(`not attached: ${next.kind}`);
  // A resync: under a new id, or with no replay.
  expect(next.newId !== undefined || next.replay === undefined).toBe(true);
  // The worker sends message 1 again: under S (a resync under S), or as the new session's
  // with `was` naming S. Either way it must be known as passed on.
  const passedBefore =
    next.newId === undefined
      ? await registry.receipts.seen(next.session, 1)
      : await registry.receipts.seenIn(next.session, { session: 'S', id: 1 }, []);
  expect(passedBefore).toBe(true);
});

/** The memory store, its reads answered when the test says. */
function deferredStore(memory: MemoryReplayStore) {
  const pending: (() => void)[] = [];
  const store: ReplayStore = {
    append: (session, payload) => memory.append(session, payload),
    read: (session, last, holder) =>
      new Promise<ReplayRead>((resolve) => {
        pending.push(() => resolve(memory.read(session, last, holder)));
      }),
    seen: (session, id, window) => memory.seen(session, id, window),
    seenIfKept: (session, id, window) => memory.seenIfKept(session, id, window),
    drop: (session) => memory.drop(session),
  };
  const answerNext = async () => {
    pending.shift()?.();
    // The read's `then` runs, then the queue's next task begins.
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  };
  return { store, answerNext, pending };
}

// Invariant: a worker that resumes is answered (`resumed` or `resync`), not turned away
// while the server has room; and "sends settle once", as above.
// Severity: low (a needless refusal: the worker waits its try-again-later backoff and
// resumes again, then resyncs under a new id; no push is lost without a resync).
// Story: the worker's socket B resumes S (the read of a store that answers later: Redis) and
// closes; the worker's next socket C resumes S on the same server before B's read returned:
// C's resume waits behind B's in S's queue. B's read has no replay (trimmed); 09b15db evicts
// S. C's turn comes: S is no longer the registry's, and C is answered `failed: evicted`,
// which the server sends as `overloaded` and closes C with try-again-later.
// What I saw: C's outcome is `{ kind: 'failed', reason: 'evicted' }`. Before 09b15db S was
// kept, and C was attached (a resync under S).
// NEW (09b15db) for a read with no replay; OLDER (f033ad3) for a read found gone, where the
// queued resume is refused the same way.
// Suggested fix: as above (keep S, mark it to resync); for the gone case, a resume queued
// behind an eviction could start anew (`#startAnew`) instead of answering `evicted`.
// Fixed: the session is kept, and owes its next resume a resync (`Session.owesResync`; since
// review 19f the store owes it, see `ReplayStore.read`).
it('attaches a resume queued behind a closed one that read no replay', async () => {
  const memory = trimmingStore();
  const { store, answerNext } = deferredStore(memory);
  const registry = registryOn(store);
  const first = resumeSocket();
  const firstAnswer = resumeOf(registry, first, 0);
  await answerNext();
  const attached = await firstAnswer;
  if (attached.kind !== 'attached') throw new Error('not attached');
  for (let n = 1; n <= 5; n += 1) registry.push(attached.session, pushPayload(`"data":${n}`));
  registry.detach(attached.session, first);

  const b = resumeSocket();
  const bAnswer = resumeOf(registry, b, 1);
  const c = resumeSocket();
  const cAnswer = resumeOf(registry, c, 1);
  b.isOpen = false;
  await answerNext();
  expect(await bAnswer).toEqual({ kind: 'failed', reason: 'closed' });
  await answerNext();
  const outcome = await cAnswer;
  expect(outcome.kind).toBe('attached');
});
