/**
 * Review 25o, of 25l (3ef9d76..8682e6a: a logout's `end` leaves the session's name marked
 * ended, so that another login's stale fresh read of the id says `otherLogin`). On Redis the
 * mark is a separate command, END_NAME, sent only once the end's DEL (or END_SESSION) was
 * answered, fire-and-forget: no `attempts`, no retry (`StoreEnds` counts the end done once
 * the DEL was answered). Between the two, the name names a hash that is gone and has no `e`,
 * which READ takes as a free name (review 25h's state): so
 *
 * 1. a stale fresh read of the id by the next login of the user sent while the end is in
 *    flight (the registry does not wait for `end` before it handles other sockets: here a
 *    read made in the same tick as the end, on the same connection) runs between DEL and
 *    END_NAME, begins a session under the ended id and takes the name; END_NAME then finds
 *    the name another hash's and marks nothing;
 * 2. an END_NAME that fails (a write refused: `redis-write`, a reconnect) is never made
 *    again: the name is left unmarked for good, and the next login's stale fresh read of the
 *    id begins a session under it.
 *
 * The in-memory store marks the name in the same call as its drop: neither happens there
 * (the stores disagree).
 *
 * Invariant at stake: review 23k/25h's `gap without resync` (two sessions under one id,
 * numbered alike: server/sessions/review-25h-ended-login-name-gone.test.ts shows the loss
 * that follows), and `ReplayStore.end`'s contract ("a fresh read of the id by another login
 * of the user says `otherLogin` still").
 * Severity: low-medium (the 25h scenario is narrow — a page reloaded in the instant of the
 * logout, whose stale fresh cursor reaches the server — and (1) is exactly that instant: the
 * stale resume and the logout arrive together far more often than one round trip apart).
 *
 * Seen: (1) `read(l2's s1, 0)` answers {fresh: true} with no otherLogin, and
 * `keyOfLogin('ann','s1')` then names l2's s1; (2) the same after an END_NAME that failed once.
 *
 * OLDER in effect: on 3ef9d76 the end deleted the name (FORGET_NAME) and both reads began the
 * session (25h's finding); 25l closes it only for a read made after END_NAME ran. A fix: mark
 * the name in the same script as the delete (END_SESSION/a DEL script taking the name as a
 * key), or at least with `attempts` and as part of what `StoreEnds` retries.
 * Fixed: the mark goes first, made again as the end is (`attempts`), and the session is
 * deleted only once the name is marked (`RedisReplayStore.end`).
 */
import { expect, it } from 'vitest';
import type { SessionHolder } from '../stores';
import { redisForTheFile } from '../test-support/redis-server';
import { RedisReplayStore } from './redis-replay-store';
import { END_NAME } from './scripts';

const shared = redisForTheFile();

function sessionOf(user: string, login: string, id: string) {
  const key = JSON.stringify([user, login, id]);
  const holder: SessionHolder = { userId: user, topics: new Set(), id, login };
  return { key, holder };
}

it("refuses the next login's stale fresh read of an ended id made while the end is in flight", async () => {
  const store = new RedisReplayStore(shared.client, { prefix: `r25o-flight${Math.random()}:` });
  const first = sessionOf('ann', 'l1', 's1');
  await store.read(first.key, 0, first.holder);
  const next = sessionOf('ann', 'l2', 's1');
  // The logout, and the next login's stale resume, handled in one tick.
  const ended = store.end(first.key, first.holder);
  const read = await store.read(next.key, 0, next.holder);
  await ended;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const named = await store.keyOfLogin('ann', 's1');
  // Fails: {otherLogin: undefined, named: '["ann","l2","s1"]'}.
  expect({ otherLogin: read.otherLogin, named }).toEqual({ otherLogin: true, named: undefined });
});

it("refuses the next login's stale fresh read of an ended id after an END_NAME that failed once", async () => {
  let failed = false;
  const errors: unknown[] = [];
  const client = {
    sendCommand(args: ReadonlyArray<string>): Promise<unknown> {
      if (!failed && args[0] === 'EVAL' && args[1] === END_NAME) {
        failed = true;
        return Promise.reject(new Error('write refused'));
      }
      return shared.client.sendCommand(args as string[]);
    },
  };
  const store = new RedisReplayStore(client, {
    prefix: `r25o-failed${Math.random()}:`,
    onError: (error: unknown) => errors.push(error),
  });
  const first = sessionOf('ann', 'l1', 's1');
  await store.read(first.key, 0, first.holder);
  // The end itself succeeds (StoreEnds forgets it: no retry).
  await store.end(first.key, first.holder);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(failed).toBe(true);
  const next = sessionOf('ann', 'l2', 's1');
  const read = await store.read(next.key, 0, next.holder);
  // Fails: otherLogin undefined (l2 begins its own s1, numbered like l1's).
  expect(read.otherLogin).toBe(true);
});
