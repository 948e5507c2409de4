/**
 * Review 25g, of 25b's dates read as the clock stands (89430bc). `TabRegistry.join` raises a
 * known tab's `since` for a later open of the name (a new login whose release of the old one
 * came in the same task: `known && since > known.at`) by a plain `>`, not `before`. After a
 * step back of the clock, the new login's open (read after the step) compares below the old
 * open (read before it) and the tab keeps the old `since`, past the clock: `deliver` reads it
 * as before every date since the step, so a push of the logged-out login heard after the step
 * and before the new open, carried late on hub B's lagging channel, reaches the new login's
 * tab (the 23l path).
 *
 * Invariant: Delivery, `foreign push` (and Logout: a push of the old login after the logout
 * resolved). Severity: medium (another user's data; needs a step back between the two opens
 * of one tab, the release skipped in the open's task, and a lagging channel).
 * What I saw: alice's tab opened at T; clock back a second at T + 10; alice's p1 heard by
 * owner A at T - 985; the page logs out and opens bob's login at T - 980 in one task; hub B
 * reads p1 at T - 970: the tab hears `[[1], null]`, not `[[], 1]`.
 * NEW with 89430bc: on 3f7d0c3 p1 is dated `max(#lastAt, now)`; A heard nothing since the open
 * (`#lastAt` before T), so p1 is dated T - 985 < T and passed over (the test passes there).
 * A fix: raise by `before(known.at, since, now)` (the join knows no `now`: the hub's clock).
 * Fixed: it raises by `before(known.at, since, now)`, `now` the hub's clock (`Hub.open` passes it).
 */
import { expect, it } from 'vitest';
import type { TabEvent, TabEventMessage, TabFrame } from '../../protocol/tab-hub';
import { TabRegistry } from '../hub/registry';
import { HeardStream } from './heard-stream';

const ALL = { all: true, topics: [] };
const T = 1_700_000_000_000;

it("passes over, for a tab's new login opened after a step back, a push of its old login heard before that open", () => {
  let now = T;
  const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const channel: TabFrame[] = [];
  const a = new HeardStream(
    'n',
    { post() {}, postTo() {}, deliver: (_name, frame) => channel.push({ ...frame }) },
    clock,
  );
  const registry = new TabRegistry(
    undefined,
    () => {},
    () => {},
  );
  const events: TabEvent[] = [];
  registry.add('tab', { postMessage: (m: TabEventMessage) => events.push(m.tabsocket) });
  // Alice's cursorless open at T on hub B.
  registry.join('tab', 'n', ALL, undefined, T);
  // The clock steps back a second at T + 10; owner A hears alice's p1 at T - 985.
  now = T - 985;
  a.frame({ data: 'alice-1', seq: 1 }, 'S-alice');
  // Alice logs out; the page opens bob's login at T - 980, in the task of the release.
  now = T - 980;
  registry.join('tab', 'n', ALL, undefined, T - 980, T - 980, now);
  // Hub B reads p1 off its lagging channel at T - 970.
  now = T - 970;
  new HeardStream('n', registry, clock).frame(channel[0] as TabFrame, 'S-alice');
  registry.flush();
  const heard = events.flatMap((event) =>
    event.kind === 'frames' ? [event.frames.map((frame) => frame.seq), event.seq ?? null] : [],
  );
  // Seen on 89430bc: [[1], null].
  expect(heard).toEqual([[], 1]);
});
