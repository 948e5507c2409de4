/**
 * Review 24j, against fabd9b3 (`HeardStream.frame` dates a push `max(#lastAt, now)`): after
 * the wall clock ran ahead and was corrected back, the owner's dates stay stuck ahead, and so
 * does the date of the newest push its ring no longer keeps (`RecentFrames.#droppedAt`). A
 * hub that joins without a cursor, its tabs opened after those pushes were really heard, is
 * answered `'resync'` (`heardSince`: `#droppedAt >= since`) for pushes made before its
 * tabs opened: its tabs are told a resync the server never said.
 *
 * Invariant: No spurious resync. Severity: low (a resync for nothing, for as long as the
 * clock had run ahead, on a busy feed: more than `RECENT_FRAMES` pushes since the step).
 * What I saw: 257 pushes heard at real T + 1 (dated T + 1 h, stuck); a join since T + 5 at
 * T + 10: `'resync'`, not `[]`. The same stuck `heardTo` makes an owner's `owed` verdict
 * (`HeardStream.resync`, `heardTo >= openedAt`) reach a tab that opened after every push
 * (not checked here).
 * NEW with fabd9b3: on 0d36232 the pushes are dated T + 1 and the answer is `[]`.
 */
import { expect, it } from 'vitest';
import { HeardStream } from './heard-stream';
import { RECENT_FRAMES } from './recent-frames';

const T = 1_700_000_000_000;
const HOUR = 3_600_000;

// Fixed (25b): the pushes are dated T + 1 again (no stuck date), before the open: `[]`.
it('answers a join since an open after the pushes were heard with nothing, not a resync, after the clock ran ahead and came back', () => {
  let now = T + HOUR;
  const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const owner = new HeardStream('n', { post() {}, postTo() {}, deliver() {} }, clock);
  // Heard while the clock ran an hour ahead (not numbered: not kept).
  owner.frame({ data: 0 }, 'S');
  // Corrected back: a busy feed, more pushes than the ring keeps, at T + 1.
  now = T + 1;
  const count = RECENT_FRAMES + 1;
  for (let seq = 1; seq <= count; seq++) owner.frame({ data: seq, seq }, 'S');
  now = T + 10;
  // Seen: 'resync'.
  expect(owner.heardSince(T + 5, { session: 'S', seq: count, nextId: 1 })).toEqual([]);
});
