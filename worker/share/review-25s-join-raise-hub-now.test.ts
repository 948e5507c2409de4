/**
 * Review 25s, of 9e02605 (the two opens compare as read at the hub's clock). `TabRegistry.join`
 * raises a known tab's `since` for a later open by `before(known.at, since, now)`, `now` the
 * hub's clock at the join. When the clock steps back between the page's reading of the new
 * open (`openedAt`) and the hub's join of it, the new open is past `now` + 100 and reads as
 * made before the step (very old), while the old open, more than the step before it, reads
 * plainly: the new open compares as the earlier one and the tab keeps the old `since`. A push
 * of the NEW login heard by the owner after the new open and before the step is then dated
 * past the clock too, reads as before the kept (old, plain) `since`, and is passed over.
 *
 * Invariant: Delivery (a cursorless tab hears every push heard after its open; here bob's own
 * push is passed over and its seq only says "skipped"). Severity: low-medium (needs a step
 * back in the short time between the page's open and the hub's join, and the tab's older open
 * more than the step before; a lost push of the user's own login, no foreign data).
 * What I saw: alice's open at T - 2000; bob's open read at T; owner A hears bob's p1 at T + 5;
 * clock back a second at T + 10; hub B joins bob's open at T - 995 and reads p1 off its
 * lagging channel at T - 990: the tab hears `[[], 1]`, not `[[1], null]`.
 * NEW with 9e02605: on ab32d02 the join reads both opens at `since` (T): T - 2000 < T raises
 * `since` to T; p1 (T + 5) and T both read past the clock and p1 is after: delivered.
 * A fix: compare the opens as read at the later of the two readings (`max(now, since)`), or
 * raise also when the new open is past the clock and the old one is not (an open read past the
 * clock was made after every open read at or before it, up to the step).
 * Fixed: the two opens compare as read at the later of the hub's now and the new open
 * (`TabRegistry.join`; `RelayPeer.openedSince` the same way).
 */
import { expect, it } from 'vitest';
import type { TabEvent, TabEventMessage, TabFrame } from '../../protocol/tab-hub';
import { TabRegistry } from '../hub/registry';
import { HeardStream } from './heard-stream';

const ALL = { all: true, topics: [] };
const T = 1_700_000_000_000;

it("delivers a push of the tab's new login heard after its open, when the clock stepped back before the join", () => {
  let now = T - 2000;
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
  // Alice's cursorless open at T - 2000 on hub B.
  registry.join('tab', 'n', ALL, undefined, T - 2000, T - 2000, now);
  // Alice logs out; the page opens bob's login, reading T. Owner A hears bob's p1 at T + 5.
  now = T + 5;
  a.frame({ data: 'bob-1', seq: 1 }, 'S-bob');
  // The clock steps back a second at T + 10; hub B joins bob's open (dated T) at T - 995.
  now = T - 995;
  registry.join('tab', 'n', ALL, undefined, T, T, now);
  // Hub B reads p1 off its lagging channel at T - 990.
  now = T - 990;
  new HeardStream('n', registry, clock).frame(channel[0] as TabFrame, 'S-bob');
  registry.flush();
  const heard = events.flatMap((event) =>
    event.kind === 'frames' ? [event.frames.map((frame) => frame.seq), event.seq ?? null] : [],
  );
  // Seen on 9e02605: [[], 1].
  expect(heard).toEqual([[1], null]);
});
