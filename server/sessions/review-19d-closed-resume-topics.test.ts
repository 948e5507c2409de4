/**
 * Review 19d of e6d5847 / f033ad3 (a resume answered `closed` keeps the session it read,
 * waiting for its worker): against a real Redis, as review-19c-closed-resume-lost-session.
 */
import { expect, it } from 'vitest';
import { PushRouter } from '../push-routing';
import { RedisReplayStore } from '../redis/redis-replay-store';
import { ClientRegistry } from '../sockets/client-registry';
import { pushPayload } from '../stores/push-payload';
import { FakeClock } from '../test-support/fake-clock';
import { waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';
import { resumeOf, resumeSocket } from '../test-support/resume-socket';
import { SessionRegistry } from './session-registry';

const shared = redisForTheFile();

function registryOn(prefix: string): SessionRegistry {
  return new SessionRegistry(
    new RedisReplayStore(shared.client, { prefix }),
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
  );
}

// Invariant: each push reaches every handle that wants it exactly once, in order, or a
// `resync` comes before the first gap (docs/design.md, "Delivery guarantees"): a session
// keeps its topics between sockets, and gets its publishes while it waits for its worker.
// Severity: medium (publishes lost in silence; needs a server that did not hold the session,
// a restart on Redis or another process, and the worker's socket closing while its resume
// reads Redis, then a publish before the worker's next resume).
// Story: session S subscribed to topic T on server 1 (Redis keeps its topics). Server 1
// restarts (or the worker reconnects to server 2). The worker's first socket there resumes S
// and closes while the read runs: the `closed` branch keeps S here, waiting for its worker,
// with the topics of the socket that created it (none: it had not resumed) — it does not take
// `read.topics`, as the attached branch does. A publish to T now is routed by `session.topics`
// (`PushRouter.#toTopic`): S is not among the subscribed, and gets nothing. The worker's next
// resume reads S (topics T again), head 1, and is answered `resumed` with nothing to replay.
// What I saw: the next resume is `resumed` at head 1, replay empty: the publish to T made
// while S waited is lost, with no resync.
// OLDER: the closed branch kept the session without its topics before e6d5847 too (it was
// `#awaitWorker` alone); e6d5847 and f033ad3 did not touch it.
// Suggested fix: in the `closed` branch, take the read's topics as the attached branch does
// (`if (read.topics) target.topics = new Set(read.topics)`) before `#awaitWorker`.
// Fixed: the closed branch takes `read.topics`, as the attached one does.
it('routes a publish to a session its closed resume read, by the topics Redis kept', async () => {
  const prefix = `r19d-topics${Math.random()}:`;
  const before = registryOn(prefix);
  const written: string[] = [];
  const first = resumeSocket({ written });
  const attached = await resumeOf(before, first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  before.subscribe(attached.session, new Set(['T']));
  before.push(attached.session, pushPayload('"data":1'));
  // Written once Redis has the session's interests (its topics).
  await waitUntil(() => written.length === 1, 'push 1 written');
  before.detach(attached.session, first);
  before.close();

  const sessions = registryOn(prefix);
  const router = new PushRouter(new ClientRegistry(), sessions, 'topic', undefined);
  const closing = resumeSocket();
  const closed = resumeOf(sessions, closing, 1);
  closing.isOpen = false;
  expect(await closed).toEqual({ kind: 'failed', reason: 'closed' });

  router.publish('T', 'while S waits');

  const next = await resumeOf(sessions, resumeSocket(), 1);
  if (next.kind !== 'attached') throw new Error('not attached');
  // The publish replayed (push 2), or a resync.
  const replayed = next.replay?.map((entry) => entry.seq);
  expect(replayed === undefined || next.newId !== undefined || replayed.includes(2)).toBe(true);
  sessions.close();
});
