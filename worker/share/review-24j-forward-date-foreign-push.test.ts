/**
 * Review 24j (older than fabd9b3; fix 24a's dates): a push the owning hub heard while the
 * browser's wall clock ran ahead is dated in the future (`TabFrame.at`), and keeps that date
 * after the clock is corrected back. A cursorless tab of the next user, opened after the
 * push was really heard but before the date it carries, hears it when a lagging channel brings
 * it late (review 23l's path): `TabRegistry.deliver` compares `at` with the tab's `since` and
 * takes it for a push heard after the open.
 *
 * Invariant: Delivery, `foreign push` (and Logout: a push of the old login after the logout
 * resolved). Severity: medium (needs a clock that ran ahead and was corrected while a logout
 * and the next login's open raced a lagging channel; another user's data when it happens).
 * What I saw: p1 heard at real T, dated T + 1 h; clock back to T; bob's tab opens at T + 5
 * on hub B, which reads p1 off the channel at T + 10: bob hears `[[1], null]`, not `[[], 1]`.
 * OLDER: fails the same on 0d36232 (fix 24a dates it so); fabd9b3 adds the pushes heard after
 * the correction (review-24j-stuck-date-foreign-push.test.ts, NEW).
 * A reader could take a date after its own `now` as undated-but-late (pass it over for a
 * cursorless tab), or the owner could date by order rather than by the wall clock.
 */
import { expect, it } from 'vitest';
import type { TabEvent, TabEventMessage, TabFrame } from '../../protocol/tab-hub';
import { TabRegistry } from '../hub/registry';
import { HeardStream } from './heard-stream';

const ALL = { all: true, topics: [] };
const T = 1_700_000_000_000;
const HOUR = 3_600_000;

// Fixed (25b): hub B reads p1's date at T + 10 (`before`): past its clock, so read before the
// clock came back, before bob's open made since (`TabRegistry.deliver`).
it("passes over, for the next user's cursorless tab, a push heard before its open while the clock ran ahead", () => {
  let now = T;
  const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const channel: TabFrame[] = [];
  const owner = new HeardStream(
    'n',
    { post() {}, postTo() {}, deliver: (_name, frame) => channel.push({ ...frame }) },
    clock,
  );
  // Alice's p1, heard at real time T while the wall clock reads an hour ahead.
  now = T + HOUR;
  owner.frame({ data: 'alice-1', seq: 1 }, 'S-alice');
  // Corrected. Alice logs out; bob's page opens a cursorless tab on hub B at T + 5.
  now = T + 5;
  const registry = new TabRegistry(
    undefined,
    () => {},
    () => {},
  );
  const events: TabEvent[] = [];
  registry.add('bob', { postMessage: (m: TabEventMessage) => events.push(m.tabsocket) });
  registry.join('bob', 'n', ALL, undefined, T + 5);
  // Hub B reads p1 off its lagging channel at T + 10.
  now = T + 10;
  new HeardStream('n', registry, clock).frame(channel[0] as TabFrame, 'S-alice');
  registry.flush();
  const heard = events.flatMap((event) =>
    event.kind === 'frames' ? [event.frames.map((frame) => frame.seq), event.seq ?? null] : [],
  );
  // Seen: [[1], null] on both commits.
  expect(heard).toEqual([[], 1]);
});
