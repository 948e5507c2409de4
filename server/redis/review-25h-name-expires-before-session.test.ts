/**
 * Review 25h, of 0400d5c (review 23k's fix, `ReplayRead.otherLogin`), which rests on the name
 * by user and id (`{[user,id]}:n`) naming the earlier login's session for as long as Redis
 * keeps that session. READ and CHECKPOINT renew the name with the session, but DIRECT (a
 * direct push kept, `append`) renews the session's hash and stream alone. So a session whose
 * last renewal was a direct push (its process died, or stopped its sweeps, between that push
 * and the next CHECKPOINT) outlives its name by up to that push's distance from the last
 * READ/CHECKPOINT: in that time `keyOfLogin` answers nothing for a session Redis keeps, and a
 * stale fresh resume of the id by the next login is not told `otherLogin`: it begins its own
 * session under the id, numbered like the kept one (review 23k's loss), and takes the name.
 * The in-memory store has no TTL: its name goes with the session (the stores disagree).
 *
 * Invariant at stake: review 23k's `gap without resync` (two sessions under one id), and the
 * stores' contract (`keyOfLogin`: "a session the store keeps"). Severity: low (narrow: a dead
 * or stalled process, a direct push in its last sweep period, and a stale fresh resume of
 * that id by a renewed login within that window). Here with a 400 ms TTL.
 *
 * Seen: at 500 ms (name written at 0, TTL 400; a direct push at 250 renewed the hash to 650)
 * `keyOfLogin('ann','s1')` is undefined and l2's fresh read of s1 has no `otherLogin`.
 *
 * OLDER in mechanism (the names' TTL since 11b3c1a), newly load-bearing with 0400d5c. A fix:
 * DIRECT renews the session's name too (it is a key of the session: pass it), or READ checks
 * the kept session's existence another way (e.g. the name stored in the session's hash).
 */
import { expect, it } from 'vitest';
import { pushPayload, type SessionHolder } from '../stores';
import { redisForTheFile } from '../test-support/redis-server';
import { RedisReplayStore } from './redis-replay-store';

const shared = redisForTheFile();

function sessionOf(user: string, login: string, id: string) {
  const key = JSON.stringify([user, login, id]);
  const holder: SessionHolder = { userId: user, topics: new Set(), id, login };
  return { key, holder };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Fixed: DIRECT renews the session's name with its hash and stream (the name is passed as
// its third key while it names the session), as READ and CHECKPOINT do.
it('names a kept login session for as long as Redis keeps it, direct pushes included', async () => {
  const store = new RedisReplayStore(shared.client, {
    prefix: `r25h-ttl${Math.random()}:`,
    ttl: 400,
  });
  const first = sessionOf('ann', 'l1', 's1');
  await store.read(first.key, 0, first.holder);
  await sleep(250);
  expect(await store.append(first.key, pushPayload('"p1"'))).toBe(1);
  await sleep(250);
  // l1's s1 is kept still (its hash renewed at 250 ms until 650)...
  expect(await shared.client.sendCommand(['EXISTS', store.keys(first.key)[0]])).toBe(1);
  const named = await store.keyOfLogin('ann', 's1');
  const next = sessionOf('ann', 'l2', 's1');
  const read = await store.read(next.key, 0, next.holder);
  // Failed here before the fix: named was undefined, and the stale fresh read had no otherLogin.
  expect({ named, otherLogin: read.otherLogin }).toEqual({ named: first.key, otherLogin: true });
});

// The same for a message received (SEEN renews the session's hash too): its name goes on
// with it (helper 25l, with the fix above).
it('names a kept login session for as long as Redis keeps it, messages received included', async () => {
  const store = new RedisReplayStore(shared.client, {
    prefix: `r25h-ttl-seen${Math.random()}:`,
    ttl: 400,
  });
  const first = sessionOf('ann', 'l1', 's1');
  await store.read(first.key, 0, first.holder);
  await sleep(250);
  expect(await store.seen(first.key, 1, 64)).toBe(false);
  await sleep(250);
  expect(await shared.client.sendCommand(['EXISTS', store.keys(first.key)[0]])).toBe(1);
  const named = await store.keyOfLogin('ann', 's1');
  const next = sessionOf('ann', 'l2', 's1');
  const read = await store.read(next.key, 0, next.holder);
  expect({ named, otherLogin: read.otherLogin }).toEqual({ named: first.key, otherLogin: true });
});
