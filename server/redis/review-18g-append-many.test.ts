/**
 * Review 18g: the causes of sim/review-18g-resume-after-logout-write-failure.test.ts's two
 * plans and of sim/review-18g-redis-restart-during-resume.test.ts's (OLDER than the commits
 * reviewed: the same code on 80f354e).
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test-support/fake-clock';
import { redisForTheFile } from '../test-support/redis-server';
import { RedisReplayStore } from './redis-replay-store';
import type { RedisCommandClient } from './store-options';

const shared = redisForTheFile();

describe('a push to two sessions, one of which could not be read (review 18g)', () => {
  // Invariant: nothing lost; every push reaches an open handle once the faults heal
  // (sim/README.md, "not delivered after healing").
  // Severity: medium (a push to a user, with no `createRedisFanout`, while one of the user's
  // sessions held here is one whose read failed, e.g. a resume of it read as Redis refused a
  // write: the push reaches none of the user's sockets, though the others' streams keep it;
  // found by the simulation after a logout as Redis refused writes, where the registry still
  // held the ended session after its resume's read failed).
  // What I saw: `appendMany` of the live session S2 and of S1, whose read failed, rejects
  // ("The session could not be read: the push was not kept"): `Promise.all` over every
  // session's `#appendDirect`; `SessionPushes.pushAll` then writes the push to none of them
  // (`later` resolves undefined), while S2's stream numbered and kept it.
  // OLDER: the same `appendMany` on 80f354e.
  // Suggested fix: answer each session's number on its own (`undefined` for one not kept,
  // its error reported), as `append` does for one session; and check why the registry holds
  // a session a logout ended once its resume failed (`#awaitWorker` in `resume`'s `fail`).
  // Fixed: `appendMany` answers each session's number on its own, the error reported.
  it('numbers the push for the session that is live', async () => {
    const prefix = `r18g-many${Math.random()}:`;
    let refuse = false;
    const client: RedisCommandClient = {
      sendCommand(args: ReadonlyArray<string>): Promise<unknown> {
        if (refuse) {
          refuse = false;
          return Promise.reject(new Error('simulated failure of EVAL'));
        }
        return shared.client.sendCommand(args);
      },
    };
    const store = new RedisReplayStore(client, { prefix }, new FakeClock(1_000));
    await store.read('S2', 0);
    refuse = true;
    await expect(store.read('S1', 0)).rejects.toThrow('simulated failure');
    const numbers = await Promise.resolve(
      store.appendMany(['S1', 'S2'], { body: '"p1"', bytes: 40 }),
    ).catch((error: unknown) => error);
    expect(numbers).toEqual([undefined, 1]);
  });
});

describe('a push to a session the store let go of unseen by the server (review 18g)', () => {
  // Invariant: nothing lost; a push reaches an open handle once the faults heal; no send or
  // push left hanging (sim/review-18g-redis-restart-during-resume.test.ts, found by a search).
  // Severity: high (after Redis restarts empty, one push to a live session of a server
  // blocks that session's queue for good: every later resume of it waits behind it and
  // is never answered; the browser's handles time out their sockets forever).
  // What I saw: the store forgot S1 (a checkpoint write, here of a topics change, found it
  // gone from Redis: `#writeAnchors` then `#forget`), while the server still holds it; the
  // next direct push `append('S1')` makes a new `HeldSession` (`#heldSession`), in phase
  // `reading` though no read runs, and waits for its `ready`, which never settles ("expected
  // false to be true": not settled after two more round trips to Redis).
  // OLDER: the same code on 80f354e (`#appendDirect`, `#heldSession`).
  // Suggested fix: `#appendDirect` of a session with no `HeldSession` answers at once that
  // it is not held (undefined: the server ends its socket and the worker resumes), as
  // `#numberFanout` does; a `HeldSession` is made by `read` alone.
  // Fixed: `#appendDirect` answers undefined (not held) for a session the store forgot.
  it('settles', async () => {
    const prefix = `r18g-forgot${Math.random()}:`;
    const store = new RedisReplayStore(shared.client, { prefix }, new FakeClock(1_000));
    await store.read('S1', 0, { userId: 'alice', topics: new Set(['a']) });
    // Redis restarts empty.
    await shared.client.sendCommand(['DEL', ...store.keys('S1')]);
    store.interest('S1', { userId: 'alice', topics: new Set(['a', 'b']) });
    await shared.client.sendCommand(['PING']);
    await shared.client.sendCommand(['PING']);
    let settled = false;
    const pushed = Promise.resolve(store.append('S1', { body: '"p1"', bytes: 40 }));
    void pushed.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await shared.client.sendCommand(['PING']);
    await shared.client.sendCommand(['PING']);
    expect(settled).toBe(true);
  });
});

describe('a push to a session this store let go of, as a resume of it is on its way (review 18h)', () => {
  // Review 18h's suspicion of the fix above: a push answered "not held" while a resume of
  // the session waits behind it was neither written nor counted; were Redis to keep the
  // session (another store resumed it, and the sweep let it go here), that resume would
  // go on with no gap and no resync: the push lost in silence. Its read says resync now.
  it("answers the session's next read with no entries: the worker resyncs", async () => {
    const prefix = `r18h-unkept${Math.random()}:`;
    const a = new RedisReplayStore(shared.client, { prefix }, new FakeClock(1_000));
    const b = new RedisReplayStore(shared.client, { prefix }, new FakeClock(1_000));
    await a.read('S1', 0);
    await b.read('S1', 0);
    // A's sweep learns B holds it: A lets it go; then a push to it comes on A.
    expect(await a.touch('S1')).toBe(false);
    expect(await a.append('S1', { body: '"p1"', bytes: 40 })).toBeUndefined();
    const resync = await a.read('S1', 0);
    expect(resync).toMatchObject({ fresh: false, entries: undefined });
    // The read after it, from the head it told, replays as usual.
    expect(await a.read('S1', resync.head)).toMatchObject({ entries: [] });
  });

  // Review 19f: the mark was said to one read alone; that read's answer lost with its socket
  // (or not written: the socket closed as it read), the next resume, here or on another
  // server, went on over the push not kept.
  // Fixed: the read that takes the mark moves the head one past the worker's last, a number
  // no push gets, kept in Redis (see `ReplayStore.read`).
  it('answers resync again to a resume from below the head it told, on any server', async () => {
    const prefix = `r19f-unkept${Math.random()}:`;
    const a = new RedisReplayStore(shared.client, { prefix }, new FakeClock(1_000));
    const b = new RedisReplayStore(shared.client, { prefix }, new FakeClock(1_000));
    await a.read('S1', 0);
    expect(await a.append('S1', { body: '"p1"', bytes: 40 })).toBe(1);
    await b.read('S1', 1);
    expect(await a.touch('S1')).toBe(false);
    expect(await a.append('S1', { body: '"p2"', bytes: 40 })).toBeUndefined();
    const lost = await a.read('S1', 1);
    expect(lost).toMatchObject({ entries: undefined });
    expect(await a.read('S1', 1)).toMatchObject({ entries: undefined });
    expect(await b.read('S1', 1)).toMatchObject({ entries: undefined });
    expect(await a.read('S1', lost.head)).toMatchObject({ head: lost.head, entries: [] });
    expect(await b.read('S1', lost.head)).toMatchObject({ head: lost.head, entries: [] });
    expect(await b.append('S1', { body: '"p3"', bytes: 40 })).toBe(lost.head + 1);
    expect(await a.read('S1', 1)).toMatchObject({ entries: undefined });
  });
});
