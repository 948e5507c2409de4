/**
 * Review 19a, of 11b3c1a: READ writes a login's session's name (`<prefix>{[user,id]}:n`, see
 * `keyOfLogin`), but neither DROP (an eviction: `maxPerUser`, `maxTotal`, a resume answered
 * with a new id) nor `end` (a logout: END_SESSION or DEL) deletes it: it stays for the whole
 * TTL (default twice `replay.maxAge`), naming a session that is gone. The in-memory store
 * forgets it with its session ("there are never more of them than sessions",
 * memory-replay-store.ts `drop`).
 */
import { describe, expect, it } from 'vitest';
import type { SessionHolder } from '../stores';
import { redisForTheFile } from '../test-support/redis-server';
import { RedisReplayStore } from './redis-replay-store';

const shared = redisForTheFile();

function sessionOf(user: string, login: string, id: string) {
  const key = JSON.stringify([user, login, id]);
  const holder: SessionHolder = { userId: user, topics: new Set(), id, login };
  return { key, holder };
}

async function namesUnder(prefix: string): Promise<string[]> {
  return (await shared.client.sendCommand(['KEYS', `${prefix}*:n`])) as string[];
}

describe('RedisReplayStore: the name of a session that is gone', () => {
  // Invariant: memory per session bounded (docs: the new name keys must expire or be
  // deleted); the stores' contract (`keyOfLogin` answers a session "that the store keeps").
  // Severity: low. The names do expire, so Redis stays bounded in time; but not by
  // `maxPerUser` or `maxTotal` any more: a client that resumes made-up ids (each resume
  // evicts the user's oldest session past `maxPerUser`, which DROP deletes) leaves one name
  // key per resume for the TTL (4 min by default, at `upgradeRate`'s 1,000 a second: up to
  // 240,000 keys), where before only its `maxPerUser` sessions' keys stayed. And a name
  // that outlives its session shadows the login's own key in `was` checks
  // (server/sessions/review-19a-name-shadows-own-login.test.ts, its logout story).
  // Story: three sessions of a login are read, then dropped (evicted), and a fourth ended by
  // a logout.
  // What I saw: the four `:n` keys stay, each naming a session Redis no longer has; the
  // in-memory store keeps none.
  // NEW with 11b3c1a.
  // Suggested fix: DROP and END_SESSION (and the DEL of `end`) delete the name when it names
  // the session they delete (`HGET name h == hash`): the store knows it (`HeldSession.name`,
  // or from the key: the session's user and id are in it).
  // Fixed: DROP and `end` delete the name too, while it names the session (`FORGET_NAME`).
  it('deletes the name with the session it names', async () => {
    const prefix = `r19a-names${Math.random()}:`;
    const store = new RedisReplayStore(shared.client, { prefix });
    for (const id of ['s1', 's2', 's3', 's4']) {
      const { key, holder } = sessionOf('ann', 'l1', id);
      await store.read(key, 0, holder);
    }
    expect(await namesUnder(prefix)).toHaveLength(4);
    for (const id of ['s1', 's2', 's3']) await store.drop(sessionOf('ann', 'l1', id).key);
    expect(await namesUnder(prefix)).toHaveLength(1);
    await store.end(sessionOf('ann', 'l1', 's4').key);
    expect(await store.keyOfLogin('ann', 's1')).toBeUndefined();
    // Since review 25h, a logout's end leaves the name for the TTL, marked ended (END_NAME),
    // so that another login cannot begin a session under the ended id; it names nothing:
    // one such name per logout, where each DROP (the made-up ids above) leaves none.
    expect(await store.keyOfLogin('ann', 's4')).toBeUndefined();
    expect(await namesUnder(prefix)).toHaveLength(1);
  });
});
