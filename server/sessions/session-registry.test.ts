import { describe, expect, it, vi } from 'vitest';
import { MemoryReplayStore } from '../memory/memory-replay-store';
import type { MaybePromise } from '../stores/maybe-promise';
import { type PushPayload, pushPayload } from '../stores/push-payload';
import type { ReplayRead, ReplayStore } from '../stores/replay-store';
import { FakeClock } from '../test-support/fake-clock';
import {
  type ResumeOutcome,
  SessionRegistry,
  type SessionRegistryOptions,
  type SessionSocket,
} from './session-registry';

class FakeSocket implements SessionSocket {
  topics: ReadonlySet<string> = new Set();
  sent: string[] = [];
  terminated = false;
  constructor(readonly userId: string) {}
  get isOpen(): boolean {
    return !this.terminated;
  }
  sendText(text: string): boolean {
    this.sent.push(text);
    return !this.terminated;
  }
  terminate(): void {
    this.terminated = true;
  }
}

/** Resumes on the in-memory store, which answers at once. */
function resumeNow(
  registry: SessionRegistry,
  socket: SessionSocket,
  id: string,
  last: number | undefined,
  held = false,
): ResumeOutcome {
  let answer: ResumeOutcome | undefined;
  registry.resume(
    socket,
    id,
    last,
    (outcome) => {
      answer = outcome;
    },
    held,
  );
  if (!answer) throw new Error('the in-memory store answered later');
  return answer;
}

function setup(options: Partial<SessionRegistryOptions> = {}) {
  const clock = new FakeClock();
  const limits = { maxCount: 100, maxAge: 1_000, maxBytes: 1_000_000 };
  const store = new MemoryReplayStore(limits, clock);
  const registryOptions = {
    ...limits,
    dedupeWindow: 8,
    maxPerUser: 16,
    maxTotal: 100,
    anonymous: false,
    ...options,
  };
  const registry = new SessionRegistry(store, registryOptions, clock);
  /** The registry of a server restarted with its sessions (the store kept). */
  const restarted = () => new SessionRegistry(store, registryOptions, clock);
  /** A socket of `userId` resuming `id`, then left (detached) unless `stay`. */
  const resume = (userId: string, id: string, stay = false) => {
    const socket = new FakeSocket(userId);
    const outcome = resumeNow(registry, socket, id, 0);
    if (outcome.kind !== 'attached') throw new Error('full');
    if (!stay) registry.detach(outcome.session, socket);
    clock.advance(1);
    return { socket, outcome, session: outcome.session };
  };
  return { registry, store, resume, restarted, advance: (ms: number) => clock.advance(ms) };
}

describe('SessionRegistry', () => {
  describe('#resume()', () => {
    it('keys sessions so that no user and session id pair can pass for another', () => {
      const { registry, resume } = setup();
      const a = resume('a', 'b\u0000c').session;
      const ab = resume('a\u0000b', 'c').session;
      expect(a).not.toBe(ab);
      expect(registry.size).toBe(2);
    });

    it('finds an anonymous session by its id alone and moves it to the resuming user', () => {
      const { registry, resume } = setup({ anonymous: true });
      const first = resume('socket-1', 'id').session;
      const second = resume('socket-2', 'id');
      expect(second.session).toBe(first);
      expect(second.outcome.kind === 'attached' && second.outcome.created).toBe(false);
      expect([...registry.ofUser('socket-2')]).toEqual([first]);
      expect([...registry.ofUser('socket-1')]).toEqual([]);
    });

    it('goes on with a held session of no push or message after a restart that kept the store', () => {
      // The store knows every session a server read: the worker, attached before the
      // restart, missed nothing, and no resync is due.
      const { restarted, resume } = setup();
      resume('ann', 's1');
      const again = resumeNow(restarted(), new FakeSocket('ann'), 's1', 0, true);
      expect(again).toMatchObject({ kind: 'attached', replay: [] });
      expect(again.kind === 'attached' && again.newId).toBeUndefined();
    });

    it('tells which fan-outs made before the resume the session logged', () => {
      const { registry, resume } = setup();
      const early = registry.fanout('ann');
      const { session } = resume('ann', 's1');
      const toAnn = registry.fanout('ann');
      const toBob = registry.fanout('bob');
      const toAll = registry.fanout(undefined);
      const again = resumeNow(registry, new FakeSocket('ann'), 's1', 0);
      expect(again.kind === 'attached' && again.session).toBe(session);
      if (again.kind !== 'attached') return;
      expect([early, toAnn, toBob, toAll].map((fanout) => again.logged(fanout))).toEqual([
        false,
        true,
        false,
        true,
      ]);
    });
  });

  describe('#seenIn()', () => {
    it("records the id in a held session of the same user only, its own too, and answers that session's dedupe", () => {
      const { registry, store, resume } = setup();
      const old = resume('ann', 's1').session;
      const next = resume('ann', 's2').session;
      const bobs = resume('bob', 's3').session;
      const seen = vi.spyOn(store, 'seen');
      expect(registry.receipts.seenIn(next, { session: 'nowhere', id: 1 }, [])).toBeUndefined();
      expect(registry.receipts.seenIn(next, { session: 's3', id: 1 }, [])).toBeUndefined();
      // Nothing recorded for a session not held here, or another user's.
      expect(seen).not.toHaveBeenCalled();
      // Its own, under another id (a message written there before): in its place.
      expect(registry.receipts.seenIn(next, { session: 's2', id: 7 }, [])).toBe(false);
      expect(registry.receipts.seen(next, 7)).toBe(true);
      expect(registry.receipts.seen(bobs, 1)).toBe(false);
      expect(registry.receipts.seenIn(next, { session: 's1', id: 4 }, [])).toBe(false);
      expect(registry.receipts.seenIn(next, { session: 's1', id: 4 }, [])).toBe(true);
      expect(registry.receipts.seen(old, 4)).toBe(true);
    });

    it('takes an anonymous session by its id alone, as a resume does', () => {
      const { registry, resume } = setup({ anonymous: true });
      const old = resume('socket-1', 'a-session-id-of-16').session;
      const next = resume('socket-2', 'another-session-id').session;
      expect(registry.receipts.seen(old, 2)).toBe(false);
      expect(registry.receipts.seenIn(next, { session: 'a-session-id-of-16', id: 2 }, [])).toBe(
        true,
      );
    });
  });

  describe('#end()', () => {
    it('forgets a session its logout ended: a resume of it goes on under a new id, with none of its pushes', () => {
      const { registry, resume } = setup();
      const { socket, session } = resume('ann', 's1', true);
      registry.push(session, pushPayload('before the logout'));
      registry.end(session, socket);
      expect(registry.size).toBe(0);
      // A cursor of the ended login (a page's pagehide, a dying worker's) resumes it.
      const again = resumeNow(registry, new FakeSocket('ann'), 's1', 1, true);
      expect(again.kind === 'attached' && again.newId).toEqual(expect.any(String));
      expect(again.kind === 'attached' && again.replay).toEqual([]);
      expect(socket.terminated).toBe(false);
    });

    it('drops another socket a resume attached to it first: no push of it reaches that one', () => {
      const { registry, resume } = setup();
      const ended = resume('ann', 's1', true);
      // The next login's hub resumed s1 from a stale cursor before the logout was read.
      const next = new FakeSocket('ann');
      const taken = resumeNow(registry, next, 's1', 0, true);
      if (taken.kind !== 'attached') throw new Error('not attached');
      registry.end(taken.session, ended.socket);
      expect(next.terminated).toBe(true);
      expect(registry.push(taken.session, pushPayload('after the logout'))).toBe(false);
      expect(next.sent).toEqual([]);
    });
  });

  describe('limits', () => {
    it("evicts the user's longest detached session past maxPerUser", () => {
      const { registry, store, resume } = setup({ maxPerUser: 2 });
      const s1 = resume('ann', 's1').session;
      resume('ann', 's2');
      registry.push(s1, pushPayload('"data":1'));
      resume('ann', 's3');
      expect([...registry.ofUser('ann')].map((session) => session.key)).toEqual([
        '["ann","s2"]',
        '["ann","s3"]',
      ]);
      expect(store.head(s1.key)).toBe(0);
    });

    it("terminates the socket of the user's oldest attached session when none is detached", () => {
      const { registry, resume } = setup({ maxPerUser: 2 });
      const s1 = resume('ann', 's1', true);
      const s2 = resume('ann', 's2', true);
      resume('ann', 's3', true);
      expect(s1.socket.terminated).toBe(true);
      expect(s2.socket.terminated).toBe(false);
      expect(registry.size).toBe(2);
      // Its close comes later and changes nothing.
      registry.detach(s1.session, s1.socket);
      expect(registry.size).toBe(2);
    });

    it('evicts the longest detached session past maxTotal, and refuses when all are attached', () => {
      const { registry, resume } = setup({ maxTotal: 2 });
      resume('ann', 's1');
      resume('bob', 's1', true);
      resume('carol', 's1', true);
      expect([...registry.all()].map((session) => session.userId)).toEqual(['bob', 'carol']);
      expect(resumeNow(registry, new FakeSocket('dave'), 's1', 0)).toEqual({ kind: 'full' });
      expect(registry.size).toBe(2);
    });
  });

  describe('#sweep()', () => {
    it('forgets sessions detached longer than maxAge, and only those', () => {
      const { registry, resume, advance } = setup();
      resume('ann', 's1');
      advance(500);
      resume('bob', 's1');
      resume('carol', 's1', true);
      advance(600);
      registry.sweep();
      expect([...registry.all()].map((session) => session.userId)).toEqual(['bob', 'carol']);
    });
  });

  describe('#push()', () => {
    it('writes the push frame to the attached socket, numbered per session', () => {
      const { registry, resume } = setup();
      const { socket, session } = resume('ann', 's1', true);
      const payload = pushPayload('"data":{"n":1}');
      expect(registry.push(session, payload)).toBe(true);
      expect(registry.push(session, payload)).toBe(true);
      expect(socket.sent).toEqual([
        '{"$ts":"push","seq":1,"data":{"n":1}}',
        '{"$ts":"push","seq":2,"data":{"n":1}}',
      ]);
    });
  });

  describe('on a store that reads later', () => {
    it('numbers a fan-out made while a resume reads after the frames its answer hands over', async () => {
      const clock = new FakeClock();
      const store = new ReadsLater({ maxCount: 100, maxAge: 1_000, maxBytes: 1_000_000 }, clock);
      const registry = new SessionRegistry(
        store,
        { ...store.limits, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
        clock,
      );
      const socket = new FakeSocket('ann');
      // p1 reached the socket plainly before its resume: not in the session, handed over.
      const p1 = { payload: pushPayload('"data":1'), fanout: registry.fanout('ann') };
      const resumed = registry.resume(socket, 's1', 0, (outcome) => {
        if (outcome.kind === 'attached') registry.takeOver(outcome.session, p1);
      });
      // p2, made after p1 while the session is read.
      registry.fanout('ann');
      registry.pushAll(registry.ofUser('ann'), pushPayload('"data":2'));
      store.answerRead();
      await resumed;
      await Promise.all([...registry.all()].map((session) => session.outbound.settled()));
      expect(socket.sent).toEqual([
        '{"$ts":"push","seq":1,"data":1}',
        '{"$ts":"push","seq":2,"data":2}',
      ]);
    });
  });
});

/**
 * The in-memory store with its reads answered when the test says, and a push to a session
 * being read numbered as the read is answered (as Redis's store waits for the read).
 */
class ReadsLater implements ReplayStore {
  readonly #memory: MemoryReplayStore;
  readonly #reading = new Map<string, Promise<void>>();
  #answered: () => void = () => {};

  constructor(
    readonly limits: { maxCount: number; maxAge: number; maxBytes: number },
    clock: FakeClock,
  ) {
    this.#memory = new MemoryReplayStore(limits, clock);
  }

  answerRead(): void {
    this.#answered();
  }

  read(session: string, last: number | undefined): Promise<ReplayRead> {
    const answered = new Promise<void>((resolve) => {
      this.#answered = resolve;
    });
    this.#reading.set(session, answered);
    return answered.then(() => {
      this.#reading.delete(session);
      return this.#memory.read(session, last);
    });
  }

  append(session: string, payload: PushPayload): MaybePromise<number> {
    const reading = this.#reading.get(session);
    if (!reading) return this.#memory.append(session, payload);
    return reading.then(() => this.#memory.append(session, payload));
  }

  seen(session: string, id: number, window: number): boolean {
    return this.#memory.seen(session, id, window);
  }

  drop(session: string): void {
    this.#memory.drop(session);
  }
}
