/**
 * Review 19b of 703867c: the order in which a send's copies name the sessions it was written
 * in (`numberingUnder`), once a send was written in more sessions than a frame names.
 */
import { expect, it } from 'vitest';
import type { WireId } from '../../protocol/tab-hub';
import { numberingUnder } from './tab-send';

/**
 * A re-post of the send told `wire` by a fresh hub on `session` (whose next id is `nextId`),
 * and the wire its tab is told back: as `numberingOf` and the send queue tell it (`before`:
 * the frame's `was`, then its `also`).
 */
function repost(
  wire: WireId | undefined,
  session: string,
  nextId = 1,
): { frame: WireId[]; told: WireId } {
  const numbering = numberingUnder(wire, session);
  const frame = numbering.was ? [numbering.was, ...(numbering.also ?? [])] : [];
  const id = numbering.id ?? nextId;
  return { frame, told: frame.length > 0 ? { session, id, before: frame } : { session, id } };
}

// Invariant: resolved = the app got it exactly once; on Redis a duplicate only when a
// process that passed it on died or lost Redis > 10 s before its PASSED (docs/design.md
// "Delivery guarantees"); the goal of 703867c: "every copy of one send takes the sessions in
// ONE order", so that two copies read at once never take two sessions in opposite orders.
// Severity: low (a send written in six sessions while it waits for its ack: A, then S, then
// B, C, D, E by fresh sessions, then a fresh hub that resumes S's cursor; with A gone from
// the server, the B and second S copies read at once by two processes both reach the app
// after a 10 s stall: server/sessions/message-receipt-review-19b-redis.test.ts).
// Story: written A #1; S #3 (was A1); B #1, C #1, D #1, E #1 (fresh sessions, each naming
// those before); a fresh hub that resumes S keeps #3 there. written = [A1, S3, B1, C1, D1,
// E1]: its copy in S is second, not last, so the frame names all six, `also` the latest 4.
// What I saw: the S copy is {S, 3, was A1, also [B1, C1, D1, E1]}: its own first copy S3 is
// cut from `also`, so it takes B before S, while the B copy {B, 1, was A1, also [S3]} takes
// S before B: the opposite orders of review 18h.
// NEW in its claim (703867c says every copy takes one order), OLDER in kind: before it the
// S copy named the others only (the same frame), and the cap of `also` at 4 dropped
// sessions from the middle of every copy's list just as well.
// Suggested fix: a copy whose own earlier copy is not the last written names the sessions up
// to that copy only (`written.slice(0, here + 1)`): the server decides it there and never
// reads the sessions after it (`passedOnBefore`), so they only cost bytes, and the cap then
// never cuts its own copy (it is last). The tab may still be told the whole list.
// Fixed: a frame whose own earlier copy is not the last written drops the newest copies,
// after its own, to fit (`numberingUnder`): {S, 3, was A1, also [S3, B1, C1, D1]}. The server
// stops at S3, so B1 after it is never taken; the check is that nothing the B copy takes
// after S3 comes before it here.
it('names its own first copy in the frame of a send written in six sessions', () => {
  const inS = repost({ session: 'A', id: 1 }, 'S', 3).told;
  expect(inS).toEqual({ session: 'S', id: 3, before: [{ session: 'A', id: 1 }] });
  let told = inS;
  for (const session of ['B', 'C', 'D', 'E']) told = repost(told, session).told;
  expect(told.before).toEqual([
    { session: 'A', id: 1 },
    { session: 'S', id: 3 },
    { session: 'B', id: 1 },
    { session: 'C', id: 1 },
    { session: 'D', id: 1 },
  ]);
  const again = repost(told, 'S', 9);
  expect(again.told.id).toBe(3);
  // The B copy took S3 before B1 (`also` [S3]); so must this copy, or it must stop at S3.
  const sessions = again.frame.map((origin) => `${origin.session}${origin.id}`);
  expect(sessions).toContain('S3');
  const ownAt = sessions.indexOf('S3');
  expect(sessions.slice(0, ownAt)).not.toContain('B1');
});
