/**
 * Review 19c of e6d5847 (a resume answered `closed` hands its socket's frames to the
 * session): on Redis with a fan-out log, against a real Redis.
 */
import { expect, it } from 'vitest';
import { FanoutLog } from '../redis/fanout-log';
import { RedisReplayStore } from '../redis/redis-replay-store';
import type { FanoutMessage } from '../stores';
import { pushPayload } from '../stores/push-payload';
import { FakeClock } from '../test-support/fake-clock';
import { redisForTheFile } from '../test-support/redis-server';
import { type ResumeSocket, resumeOf, resumeSocket } from '../test-support/resume-socket';
import type { RememberedFrame } from './session';
import { SessionRegistry } from './session-registry';

const shared = redisForTheFile();
const bodyOf = (message: FanoutMessage) => `"data":${JSON.stringify(message.d)}`;

// Invariant: each push reaches every handle that wants it exactly once, in order, or a
// `resync` comes before the first gap (docs/design.md, "Delivery guarantees").
// Severity: medium (a duplicate push to the app, no resync; needs Redis with a fan-out
// channel, a session Redis keeps, a fan-out to its user while the worker's new socket
// waited for its resume, and that socket closing while the resume read Redis: a worker
// dying or a network drop in its first round trip, which the simulation's faults make).
// Story: session S of ann is kept in Redis (another process held it). Ann's worker opens a
// socket to this process; before its `resume` is read, a push to ann (fan-out 1, numbered
// by the Redis channel: `shared`) goes to the socket plainly and is remembered. The resume
// of S reads Redis, whose count catches S up on fan-out 1 (`caughtUp`: S logged it, as
// push 1). The socket closed meanwhile: the resume is answered `closed` and, since
// e6d5847, hands the remembered frames over, filtered by `logged`. But `logged` is called
// with `caughtUp` still false (it is set only on the attached path), so fan-out 1, made
// before the session existed here (seq <= bornAfter), counts as not logged: it is pushed
// into S again, as push 2. The worker's next resume (last 0) replays push 1 and push 2:
// the same push twice.
// What I saw: the next resume replays ['"data":1', '"data":1'].
// NEW with e6d5847 (before it, the closed socket's frames were not handed over).
// Suggested fix: in the closed branch of `attach`, set `caughtUp = read.caughtUp === true`
// before filtering the frames by `logged` (as the attached path does), or filter with the
// read's caughtUp directly.
// Fixed: the closed branch sets `caughtUp` from the read before it hands the frames over.
it('hands over no fan-out the read caught the session up on, when the resume is answered closed', async () => {
  const prefix = `r19c-closed${Math.random()}:`;
  const log = new FanoutLog(100);
  const elsewhere = new RedisReplayStore(shared.client, { prefix });
  elsewhere.followFanout(log, bodyOf);
  const here = new RedisReplayStore(shared.client, { prefix });
  here.followFanout(log, bodyOf);
  const registry = new SessionRegistry(
    here,
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
  );
  const key = JSON.stringify(['ann', 'S']);
  await elsewhere.read(key, 0, { userId: 'ann', topics: new Set() });
  await elsewhere.touch(key);

  // Fan-out 1 to ann, made here as the channel delivers it: the waiting socket remembers it.
  const remembered: RememberedFrame[] = [];
  const message: FanoutMessage = { k: 'u', u: 'ann', d: 1 };
  log.make(1, message, () => {
    const fanout = registry.fanout('ann');
    remembered.push({ payload: pushPayload(bodyOf(message)), fanout });
    registry.pushAll(registry.ofUser('ann'), pushPayload(bodyOf(message)));
  });

  const resume = (socket: ResumeSocket) => resumeOf(registry, socket, 0);
  const closing = resumeSocket({ frames: remembered });
  const first = resume(closing);
  closing.isOpen = false;
  expect(await first).toEqual({ kind: 'failed', reason: 'closed' });

  const next = await resume(resumeSocket());
  expect(next.kind).toBe('attached');
  if (next.kind !== 'attached') return;
  expect(next.replay?.map((entry) => entry.payload.body)).toEqual(['"data":1']);
});
