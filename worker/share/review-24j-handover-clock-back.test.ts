/**
 * Review 24j, against fabd9b3 (review 24h's fix: `HeardStream.frame` dates a push never
 * before `#lastAt`, the last date it gave): `#lastAt` moves only when this hub dates a push
 * itself (`frame.at ??= …`), not when it relays one its owner dated. A hub that relayed, and
 * takes the socket after the wall clock stepped back (its owner died or left: a handover),
 * dates its first pushes by the stepped-back clock, before the `since` of its own cursorless
 * tabs that opened before the step, and `TabRegistry.deliver` passes them over: review 24h's
 * loss, not closed across a handover (nor across a worker death: a fresh worker's
 * `HeardStream` starts at 0 while its tabs' pages keep their `openedAt`, not checked here).
 *
 * Invariant: Delivery, `gap without resync`: the tab heard p1 and p3, wanted p2, no resync.
 * Severity: medium (silent loss for the size of the step, for a hub's cursorless tabs, when
 * a step back and a handover meet; review 24h's rarity times a handover).
 * What I saw: tab opened at T + 5 without a cursor on relaying hub B; p1 relayed, dated T + 6
 * by the owner; the clock steps back 1 s; the owner dies, B takes the socket; its socket hears
 * p2 at T + 10 − 1 s, dated so (`#lastAt` 0), passed over; p3, heard after the clock caught
 * up, comes: `[[1], null, [], 2, [3], null]`.
 * OLDER: fails the same on 0d36232 (review 24h's bug there); fabd9b3 only does not mend it.
 * A fix: `#lastAt = max(#lastAt, frame.at)` for relayed frames too (and a catch-up's), so a
 * new owner's dates start past what its tabs heard; and the `since` a hub takes for a tab
 * could be raised to nothing past it.
 */
import { expect, it } from 'vitest';
import type { TabEvent, TabEventMessage } from '../../protocol/tab-hub';
import { TabRegistry } from '../hub/registry';
import { HeardStream } from './heard-stream';

const ALL = { all: true, topics: [] };
const T = 1_700_000_000_000;

// Fixed: a hub's own dates never go before a date it relayed either (`HeardStream.frame`).
// Since 25b: dates are the clock's readings, and the tab's `since` (T + 5), past hub B's clock
// after the step, was read before it, so before p2 (`before`, in `TabRegistry.deliver`).
it('delivers to its cursorless tab the pushes a hub that relayed hears once it takes the socket after the clock stepped back', () => {
  let now = T + 5;
  const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const registry = new TabRegistry(
    undefined,
    () => {},
    () => {},
  );
  const events: TabEvent[] = [];
  registry.add('tab', { postMessage: (m: TabEventMessage) => events.push(m.tabsocket) });
  registry.join('tab', 'n', ALL, undefined, T + 5);
  const b = new HeardStream('n', registry, clock);
  // Relayed from the owner, which heard it at T + 6.
  now = T + 8;
  b.frame({ data: 1, seq: 1, at: T + 6 }, 'S');
  registry.flush();
  // The clock steps back a second; the owner dies and hub B takes the socket on (S, 1).
  now = T + 10 - 1000;
  b.own({ rewind() {}, cursor: { session: 'S', seq: 1, nextId: 1 } });
  b.frame({ data: 2, seq: 2 }, 'S');
  registry.flush();
  // Caught up.
  now = T + 20;
  b.frame({ data: 3, seq: 3 }, 'S');
  registry.flush();
  const heard = events.flatMap((event) =>
    event.kind === 'frames' ? [event.frames.map((frame) => frame.seq), event.seq ?? null] : [],
  );
  expect(events.some((event) => event.kind === 'resync')).toBe(false);
  // Seen: [[1], null, [], 2, [3], null].
  expect(heard).toEqual([[1], null, [2], null, [3], null]);
});
