/**
 * Review 24j, against fabd9b3 (`HeardStream.frame` dates a push `max(#lastAt, now)`, review
 * 24h): a wall clock stepped FORWARD and then back (a VM clock that ran ahead and was
 * corrected by NTP, a user who set the time wrong and fixed it) leaves the owning hub's dates
 * stuck where the clock had gone: every push its socket hears afterwards, for as long as the
 * clock was ahead, is dated in the future. `TabRegistry.deliver` and `RecentFrames.heardSince`
 * then take a push heard before a cursorless tab's open (`since`, its page's `Date.now()`) as
 * heard after it: the 23g / 23l paths (a push of a logged-out user's login carried past the
 * next user's cursorless open, on a lagging channel or in the catch-up of a join) deliver it
 * again.
 *
 * Invariant: Delivery, `foreign push` (sim/README.md "Invariants"): bob's tab hears alice's
 * push (and Logout: a push of the old login reaches a handle after the logout resolved).
 * Severity: high where it happens (another user's data, for as long as the clock had run
 * ahead: up to the size of the forward step, hours for a manual mistake); needs a forward
 * step then a step back on the browser's clock, rare. The sim cannot show it: its clock never
 * goes back.
 *
 * What I saw: owner A's clock ran 1 h ahead (p1 dated T+1h), came back to T; alice's p2 heard
 * at T+1 is dated T+1h (stuck); alice logs out; bob's page opens a cursorless tab at T+5 on
 * hub B; the lagging channel brings p2 to B at T+10: bob's tab hears p2 (`[[2], null]`
 * instead of `[[], 2]`); and A's ring answers a join `since` T+5 with [p2]
 * (`heardSince`), where it answered [] before.
 * NEW with fabd9b3: on 0d36232 p2 is dated T+1, before bob's open, and is passed over
 * (both tests pass there). A push heard while the clock was ahead (p1 here) is dated in the
 * future on both commits: see review-24j-forward-date-foreign-push.test.ts (OLDER). On
 * 0d36232 a ring with dates out of order (p1 at T + 1 h, p2 at T + 1) made `heardSince(T + 5)`
 * answer [p2], the newest, not p1 (it counts the dates since, and takes that many newest):
 * fabd9b3 keeps them in order, which mends that.
 * A fix might date a frame `max(#lastAt, now)` only while the step is small (or clamp a date
 * in the future to `now` at the reader: `at > now` is undated), or date by order, not time.
 */
import { expect, it } from 'vitest';
import type { TabFrame } from '../../protocol/tab-hub';
import { browser, T, tabsOf } from '../test-support/stepped-clock';
import { HeardStream } from './heard-stream';

const ALL = { all: true, topics: [] };
const HOUR = 3_600_000;

/** Owner A: its socket hears alice's pushes; what it relays goes onto the channel. */
function ownerA(clock: ReturnType<typeof browser>['clock']) {
  const channel: TabFrame[] = [];
  const heard = new HeardStream(
    'n',
    { post() {}, postTo() {}, deliver: (_name, frame) => channel.push({ ...frame }) },
    clock,
  );
  return { heard, channel };
}

// Fixed (25b): dates are the clock's readings again (no `max(#lastAt, now)`), and a reader takes
// them as its clock stands (`before`): a date past its `now` was read before the clock stepped
// back (or while it ran ahead) and comes before every date read since, an open's `since` alike.
it("passes over, for the next user's cursorless tab, a push the owner heard before it opened, after the clock ran ahead and came back", () => {
  const { clock, set } = browser();
  const a = ownerA(clock);
  // The clock runs an hour ahead: alice's p1, dated then.
  set(T + HOUR);
  a.heard.frame({ data: 'alice-1', seq: 1 }, 'S-alice');
  // Corrected back. Alice's p2, heard at T + 1.
  set(T + 1);
  a.heard.frame({ data: 'alice-2', seq: 2 }, 'S-alice');
  // Alice logs out; bob's page opens a tab without a cursor on hub B at T + 5, while hub B
  // still follows the old login (its channel lags: it has not heard the logout yet).
  set(T + 5);
  const b = tabsOf();
  b.attach('bob');
  b.registry.join('bob', 'n', ALL, undefined, T + 5);
  // The lagging channel brings p2 to hub B at T + 10.
  set(T + 10);
  const relay = new HeardStream('n', b.registry, clock);
  relay.frame(a.channel[1] as TabFrame, 'S-alice');
  b.registry.flush();
  // Seen on fabd9b3: [[2], null] (p2 dated T + 1 h, after the open).
  // Heard by the owner at T + 1, before bob's open: its number only.
  expect(b.heardBy('bob')).toEqual([[], 2]);
});

// Fixed (25b): `heardSince` reads the ring's dates so (p2 at T + 1, before the open).
it("answers a join since the next user's open with no push heard before it, after the clock ran ahead and came back", () => {
  const { clock, set } = browser();
  const a = ownerA(clock);
  // The clock runs an hour ahead: a push not numbered (not kept in the ring), dated then.
  set(T + HOUR);
  a.heard.frame({ data: 'alice-0' }, 'S-alice');
  set(T + 1);
  a.heard.frame({ data: 'alice-2', seq: 2 }, 'S-alice');
  // A hub whose tabs (bob's) opened at T + 5 without a cursor joins (`RelayOwner`'s catch-up).
  set(T + 10);
  const missed = a.heard.heardSince(T + 5, { session: 'S-alice', seq: 2, nextId: 1 });
  // p2 was heard at T + 1, before the open.
  expect(missed).toEqual([]);
});
