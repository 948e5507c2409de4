import { describe, expect, it } from 'vitest';
import { systemClock } from '../../protocol/clock';
import { MemoryReplayStore } from '../memory/memory-replay-store';
import { RedisReplayStore } from '../redis';
import { redisForTheFile } from '../test-support/redis-server';
import type { ReplayStore, SessionHolder } from './replay-store';

const shared = redisForTheFile();
let prefixes = 0;

const stores: Array<[string, () => ReplayStore]> = [
  [
    'MemoryReplayStore',
    () => new MemoryReplayStore({ maxCount: 10, maxAge: 60_000, maxBytes: 100_000 }),
  ],
  [
    'RedisReplayStore',
    () => new RedisReplayStore(shared.client, { prefix: `key-of-login${++prefixes}:` }),
  ],
];

/** The registry's key and holder of session `id` of `user` and `login`. */
function sessionOf(user: string, login: string | undefined, id: string) {
  const key = JSON.stringify(login === undefined ? [user, id] : [user, login, id]);
  const holder: SessionHolder = { userId: user, topics: new Set(), id, login };
  return { key, holder };
}

describe.each(stores)('%s.keyOfLogin()', (_name, make) => {
  it("names a login's session by its user and id, and no other user's", async () => {
    const store = make();
    const s1 = sessionOf('ann', 'l1', 's1');
    await store.read(s1.key, 0, s1.holder);
    expect(await store.keyOfLogin?.('ann', 's1')).toBe(s1.key);
    expect(await store.keyOfLogin?.('bob', 's1')).toBeUndefined();
    expect(await store.keyOfLogin?.('ann', 's2')).toBeUndefined();
  });

  // Review 23k: a renewed login's server told the id of its earlier login's session from a
  // stale `fresh` cursor (last 0, unheld) must not begin a session of its own under it.
  it('says a fresh read is of an id another login of the user has kept, and only then', async () => {
    const store = make();
    const first = sessionOf('ann', 'l1', 's1');
    await store.read(first.key, 0, first.holder);
    const next = sessionOf('ann', 'l2', 's1');
    expect(await store.read(next.key, 0, next.holder)).toMatchObject({ otherLogin: true });
    const bobs = sessionOf('bob', 'l2', 's1');
    expect((await store.read(bobs.key, 0, bobs.holder)).otherLogin).toBeUndefined();
    const other = sessionOf('ann', 'l2', 's2');
    expect((await store.read(other.key, 0, other.holder)).otherLogin).toBeUndefined();
    // Read again, the first login's own session is no other login's.
    expect((await store.read(first.key, 0, first.holder)).otherLogin).toBeUndefined();
    // Once the earlier one is gone, nothing says so.
    await store.drop(first.key);
    await store.drop(next.key);
    expect((await store.read(next.key, 0, next.holder)).otherLogin).toBeUndefined();
  });

  // Review 25h: a read refused as another login's creates nothing, so a second stale resume
  // of the id (another process, before the registry's drop of the first) is refused too,
  // and the name stays the earlier login's.
  it('creates nothing on a fresh read it says is of another login', async () => {
    const store = make();
    const first = sessionOf('ann', 'l1', 's1');
    await store.read(first.key, 0, first.holder);
    const next = sessionOf('ann', 'l2', 's1');
    expect(await store.read(next.key, 0, next.holder)).toMatchObject({
      fresh: true,
      otherLogin: true,
    });
    expect(await store.read(next.key, 0, next.holder)).toMatchObject({
      fresh: true,
      otherLogin: true,
    });
    expect(await store.keyOfLogin?.('ann', 's1')).toBe(first.key);
  });

  // Review 25h: a logout's end leaves the name, so that a stale fresh resume of the id by
  // the next login of the user is still refused; it names no session kept any more.
  it("says a fresh read is of another login's id after a logout ended that session", async () => {
    const store = make();
    const first = sessionOf('ann', 'l1', 's1');
    await store.read(first.key, 0, first.holder);
    await (store.end ? store.end(first.key, first.holder) : store.drop(first.key));
    // END_NAME is not waited for by `end`: a read after it on the same connection sees it.
    expect(await store.keyOfLogin?.('ann', 's1')).toBeUndefined();
    const next = sessionOf('ann', 'l2', 's1');
    expect(await store.read(next.key, 0, next.holder)).toMatchObject({
      fresh: true,
      otherLogin: true,
    });
    // Another user's, and another id of the next login, are their own.
    const bobs = sessionOf('bob', 'l2', 's1');
    expect((await store.read(bobs.key, 0, bobs.holder)).otherLogin).toBeUndefined();
    const other = sessionOf('ann', 'l2', 's2');
    expect((await store.read(other.key, 0, other.holder)).otherLogin).toBeUndefined();
  });

  it('names no session read without a login', async () => {
    const store = make();
    const plain = sessionOf('ann', undefined, 's1');
    await store.read(plain.key, 0, plain.holder);
    expect(await store.keyOfLogin?.('ann', 's1')).toBeUndefined();
  });

  it('keeps naming the earlier login while it is kept, then the next one', async () => {
    const store = make();
    const first = sessionOf('ann', 'l1', 's1');
    const next = sessionOf('ann', 'l2', 's1');
    await store.read(first.key, 0, first.holder);
    // The next login's worker names the id of its earlier login: created now, not named.
    const read = await store.read(next.key, 5, next.holder);
    expect(read).toMatchObject({ fresh: true, otherLogin: true });
    expect(await store.keyOfLogin?.('ann', 's1')).toBe(first.key);
    // The earlier one is gone: a read of the next one takes the name.
    await store.drop(first.key);
    await store.read(next.key, 0, next.holder);
    expect(await store.keyOfLogin?.('ann', 's1')).toBe(next.key);
  });
});

describe('MemoryReplayStore.keyOfLogin()', () => {
  it('forgets the name with its session', () => {
    const store = new MemoryReplayStore({ maxCount: 10, maxAge: 60_000, maxBytes: 100_000 });
    const s1 = sessionOf('ann', 'l1', 's1');
    store.read(s1.key, 0, s1.holder);
    store.drop(s1.key);
    expect(store.keyOfLogin('ann', 's1')).toBeUndefined();
  });
});

describe('RedisReplayStore.keyOfLogin()', () => {
  it('renews the name with the session it names, for as long as the session', async () => {
    const prefix = `key-of-login-ttl${++prefixes}:`;
    const store = new RedisReplayStore(shared.client, { prefix, ttl: 600_000 });
    const s1 = sessionOf('ann', 'l1', 's1');
    await store.read(s1.key, 0, s1.holder);
    const names = (await shared.client.sendCommand(['KEYS', `${prefix}*:n`])) as string[];
    expect(names).toHaveLength(1);
    const name = names[0] as string;
    await shared.client.sendCommand(['PEXPIRE', name, '5000']);
    expect(await store.touch(s1.key)).toBe(true);
    expect(Number(await shared.client.sendCommand(['PTTL', name]))).toBeGreaterThan(500_000);
  });
});

describe('MemoryReplayStore: the name a logout leaves', () => {
  it('refuses another login under it for maxAge, then lets it go', () => {
    let now = 0;
    const clock = { ...systemClock, now: () => now };
    const store = new MemoryReplayStore({ maxCount: 10, maxAge: 1_000, maxBytes: 100_000 }, clock);
    const first = sessionOf('ann', 'l1', 's1');
    store.read(first.key, 0, first.holder);
    store.end(first.key);
    const next = sessionOf('ann', 'l2', 's1');
    now = 1_000;
    expect(store.read(next.key, 0, next.holder).otherLogin).toBe(true);
    now = 1_001;
    expect(store.read(next.key, 0, next.holder).otherLogin).toBeUndefined();
    expect(store.keyOfLogin('ann', 's1')).toBe(next.key);
  });
});
