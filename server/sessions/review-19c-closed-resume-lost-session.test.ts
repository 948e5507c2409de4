/**
 * Review 19c of e6d5847 (a resume answered `closed` hands its socket's frames to the
 * session), when Redis lost the session: against a real Redis.
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

// Invariant: each push reaches every handle that wants it exactly once, in order, or a
// `resync` comes before the first gap; a session's numbers never go backwards under one id
// (docs/design.md, "Delivery guarantees"; SessionRegistry.resume).
// Severity: high where it happens (pushes lost in silence), rare: Redis restarts empty,
// the worker's socket closes while its resume of the lost session reads Redis, and that
// socket had got more plain frames (`client.send` or pushes to its user before its resume
// was read) than the worker's last push number.
// Story: session S got pushes 1 and 2 (the worker's last is 2). Redis restarts empty (push 3
// of S, say, lost with it). The worker's new socket gets three frames from the app before
// its resume of S at last 2 is read; it closes while the read runs. The read comes back
// `fresh` (Redis created S anew, counting from 0), but the `closed` branch comes before the
// fresh check that would start S anew (evict, new id): S stays under its id, and since
// e6d5847 the three frames are pushed into it, numbered 1, 2, 3. The worker's next resume
// at last 2 reads S as known (not fresh: the first read created it), head 3: it is answered
// `resumed` with push 3 (the third frame). The first two frames are lost in silence (taken
// for pushes 1 and 2), and so is anything Redis lost; numbers went back from 2 to 1 under S.
// What I saw: the next resume is attached under S, no new id, replaying one push (seq 3).
// NEW with e6d5847 as written here (before it the frames were not handed over, head stayed 0
// below last 2, and the next resume resynced). OLDER in kind: pushes made to S between the
// closed resume and the next one (a fan-out to the user) are numbered from 1 the same way.
// Suggested fix: in the `closed` branch, a read that came back `fresh` for a session the
// worker holds pushes of (`last !== 0 || held`) evicts the session (as the attached path
// does) rather than keep it; its frames are then dropped with it, or the worker's next
// socket hands its own over to the new session, as `#startAnew` does. The simplest: test
// `read.fresh` before `socket.isOpen`, evicting in both cases.
// Fixed: a closed resume whose read found the session gone (`fresh`, with `last` or `held`)
// evicts it, as an open one does before it starts anew: the next resume resyncs.
it('answers the next resume with a resync when Redis lost the session and the resume before it was answered closed', async () => {
  const prefix = `r19c-lost${Math.random()}:`;
  const registry = new SessionRegistry(
    new RedisReplayStore(shared.client, { prefix }),
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
  );
  const resume = (socket: ResumeSocket, last: number) => resumeOf(registry, socket, last);
  const written: string[] = [];
  const first = resumeSocket({ written });
  const attached = await resume(first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  registry.push(attached.session, pushPayload('"data":1'));
  registry.push(attached.session, pushPayload('"data":2'));
  await waitUntil(() => written.length === 2, 'pushes 1 and 2 written');
  registry.detach(attached.session, first);
  await shared.client.flushDb();

  const frames = [1, 2, 3].map((n) => ({
    payload: pushPayload(`"data":"plain ${n}"`),
    fanout: undefined,
  }));
  const closing = resumeSocket({ frames });
  const closed = resume(closing, 2);
  closing.isOpen = false;
  expect(await closed).toEqual({ kind: 'failed', reason: 'closed' });

  const next = await resume(resumeSocket(), 2);
  expect(next.kind).toBe('attached');
  if (next.kind !== 'attached') return;
  // A resync: under a new id, or the replay undefined.
  expect({ newId: next.newId !== undefined, replayed: next.replay === undefined }).not.toEqual({
    newId: false,
    replayed: false,
  });
});

// The same, OLDER (before e6d5847 too, checked by reverting it): nothing handed over, but
// three pushes made to S between the closed resume and the next one (a fan-out to ann, the
// session detached): numbered 1, 2, 3 under S, the next resume at last 2 replays push 3
// alone, and the first two are lost in silence. Same suggested fix.
// Fixed: a closed resume whose read found the session gone (`fresh`, with `last` or `held`)
// evicts it, as an open one does before it starts anew: the next resume resyncs.
it('answers the next resume with a resync when Redis lost the session, its closed resume read, and pushes came', async () => {
  const prefix = `r19c-lost-pushes${Math.random()}:`;
  const registry = new SessionRegistry(
    new RedisReplayStore(shared.client, { prefix }),
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
  );
  const resume = (socket: ResumeSocket, last: number) => resumeOf(registry, socket, last);
  const written: string[] = [];
  const first = resumeSocket({ written });
  const attached = await resume(first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  const { session } = attached;
  registry.push(session, pushPayload('"data":1'));
  registry.push(session, pushPayload('"data":2'));
  await waitUntil(() => written.length === 2, 'pushes 1 and 2 written');
  registry.detach(session, first);
  await shared.client.flushDb();

  const closing = resumeSocket();
  const closed = resume(closing, 2);
  closing.isOpen = false;
  expect(await closed).toEqual({ kind: 'failed', reason: 'closed' });
  for (const n of [3, 4, 5]) registry.push(session, pushPayload(`"data":${n}`));

  const next = await resume(resumeSocket(), 2);
  expect(next.kind).toBe('attached');
  if (next.kind !== 'attached') return;
  expect({ newId: next.newId !== undefined, replayed: next.replay === undefined }).not.toEqual({
    newId: false,
    replayed: false,
  });
});
