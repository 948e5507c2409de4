/**
 * Review 19e of 09b15db, against a real Redis: see review-19e-closed-resume-evict.test.ts.
 */
import { expect, it } from 'vitest';
import { RedisReplayStore } from '../redis/redis-replay-store';
import { pushPayload } from '../stores/push-payload';
import { FakeClock } from '../test-support/fake-clock';
import { waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';
import { type ResumeSocket, resumeOf, resumeSocket } from '../test-support/resume-socket';
import { SessionRegistry } from './session-registry';

const shared = redisForTheFile();

// Invariant: sends settle once ("the server passes each number on once"; a send written
// again under a new id says `was`, dropped while the store keeps that session).
// Severity: medium (a send passed to the app twice; needs a worker behind by more than
// `replay.maxCount`, or a push Redis did not keep, a lost ack, and the socket closing while
// its resume reads Redis).
// Story: as in review-19e-closed-resume-evict.test.ts, on Redis: S passed message 1 on (its
// ack lost); the worker is 3 pushes behind a log of 2; its socket closes while the resume
// reads. 09b15db evicts S: DROP deletes its hash, stream AND its message-id bits (this
// process is the owner: its read just made it so). The next resume resyncs onto a new id,
// and message 1, sent again with `was: {S, 1}`, finds no session to check it against
// (`seenIfKept` answers undefined): passed on twice.
// What I saw: `seenIn(new, {S, 1})` answers undefined. Before 09b15db: S kept, the next
// resume a resync under S, `seen(S, 1)` true.
// NEW (09b15db).
// Suggested fix: keep S for a read with no replay (the store still has it), and mark it so
// its next resume answers with no replay (a resync under S, its ids kept).
// Fixed: the session is kept, and owes its next resume a resync (`Session.owesResync`; since
// review 19f the store owes it, see `ReplayStore.read`).
it('keeps the message ids on Redis of a session whose closed resume read no replay', async () => {
  const prefix = `r19e-ids${Math.random()}:`;
  const registry = new SessionRegistry(
    new RedisReplayStore(shared.client, { prefix, replay: { maxCount: 2 } }),
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
  );
  const resume = (socket: ResumeSocket, last: number) => resumeOf(registry, socket, last);
  const written: string[] = [];
  const first = resumeSocket({ written });
  const attached = await resume(first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  expect(await registry.receipts.seen(attached.session, 1)).toBe(false);
  // Passed on to the app (Redis lets go of the claim).
  registry.receipts.passed(attached.session, 1, [], (error) => {
    throw error;
  });
  for (let n = 1; n <= 5; n += 1) registry.push(attached.session, pushPayload(`"data":${n}`));
  await waitUntil(() => written.length === 5, 'pushes written');
  registry.detach(attached.session, first);

  const closing = resumeSocket();
  const closed = resume(closing, 1);
  closing.isOpen = false;
  expect(await closed).toEqual({ kind: 'failed', reason: 'closed' });

  const next = await resume(resumeSocket(), 1);
  if (next.kind !== 'attached') throw new Error(`not attached: ${next.kind}`);
  const passedBefore =
    next.newId === undefined
      ? await registry.receipts.seen(next.session, 1)
      : await registry.receipts.seenIn(next.session, { session: 'S', id: 1 }, []);
  expect(passedBefore).toBe(true);
});
