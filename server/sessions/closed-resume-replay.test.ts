/**
 * A resume answered `closed` whose read had no replay to give (a store marks a push it did not
 * keep for the next read alone): the worker's next resume must still be told `resync`
 * (review 19d's lead, found reading the code; no search met it).
 */
import { expect, it } from 'vitest';
import { MemoryReplayStore } from '../memory/memory-replay-store';
import type { ReplayStore } from '../stores';
import { pushPayload } from '../stores/push-payload';
import { FakeClock } from '../test-support/fake-clock';
import { type ResumeSocket, resumeOf, resumeSocket } from '../test-support/resume-socket';
import { SessionRegistry } from './session-registry';

it('tells the next resume resync when the closed one read no replay', async () => {
  const memory = new MemoryReplayStore({ maxCount: 10, maxAge: 60_000, maxBytes: 100_000 });
  let notKeptOnce = false;
  // As RedisReplayStore does for a push it could not keep: the next read has no entries.
  const store: ReplayStore = {
    append: (session, payload) => memory.append(session, payload),
    read: (session, last, holder) => {
      const read = memory.read(session, last, holder);
      if (!notKeptOnce) return read;
      notKeptOnce = false;
      return { ...read, entries: undefined };
    },
    seen: (session, id, window) => memory.seen(session, id, window),
    drop: (session) => memory.drop(session),
  };
  const registry = new SessionRegistry(
    store,
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
  expect(written).toHaveLength(2);
  registry.detach(attached.session, first);

  notKeptOnce = true;
  expect(await resume(resumeSocket({ isOpen: false }), 2)).toEqual({
    kind: 'failed',
    reason: 'closed',
  });

  const next = await resume(resumeSocket(), 2);
  if (next.kind !== 'attached') throw new Error(`not attached: ${next.kind}`);
  // A resync: under a new id, or with no replay.
  expect(next.newId !== undefined || next.replay === undefined).toBe(true);
});
