/**
 * Fix 24a (reviews 23g and 23l, a foreign push): a tab whose open came without a cursor
 * hears no push the socket heard before that open (`TabFrame.at`), however late a lagging
 * channel or a catch-up of its hub's earlier tabs brings it; it is told its number only.
 */
import { describe, expect, it } from 'vitest';
import type { TabEvent, TabEventMessage, TabFrame } from '../../protocol/tab-hub';
import { TabRegistry } from './registry';

function setup() {
  const registry = new TabRegistry(
    undefined,
    () => {},
    () => {},
  );
  const events = new Map<string, TabEvent[]>();
  const attach = (tabId: string) => {
    const heard: TabEvent[] = [];
    events.set(tabId, heard);
    registry.add(tabId, {
      postMessage: (message: TabEventMessage) => heard.push(message.tabsocket),
    });
  };
  const heardBy = (tabId: string) =>
    (events.get(tabId) ?? []).flatMap((event) =>
      event.kind === 'frames' ? [event.frames.map((frame) => frame.seq), event.seq ?? null] : [],
    );
  /** One frame, posted alone (the batch of its task). */
  const deliver = (frame: TabFrame) => {
    registry.deliver('n', frame);
    registry.flush();
  };
  return { registry, attach, heardBy, deliver };
}

const ALL = { all: true, topics: [] };

describe('a tab open without a cursor since a time', () => {
  it('is passed over for a push the socket heard before it opened, and hears the rest', () => {
    const { registry, attach, heardBy, deliver } = setup();
    attach('new');
    attach('cursor');
    registry.join('new', 'n', ALL, undefined, 100);
    // With a cursor: everything after it is its own, however early the socket heard it.
    registry.join('cursor', 'n', ALL, undefined, undefined, 100);
    deliver({ data: 1, seq: 1, at: 90 });
    // In the ms of the open: as the owner's catch-up counts (`RecentFrames.heardSince`).
    deliver({ data: 2, seq: 2, at: 100 });
    deliver({ data: 3, seq: 3, at: 101 });
    // An owner of an earlier build dates nothing: as before.
    deliver({ data: 4, seq: 4 });
    expect(heardBy('new')).toEqual([[], 1, [2], null, [3], null, [4], null]);
    expect(heardBy('cursor')).toEqual([[1], null, [2], null, [3], null, [4], null]);
  });

  it('counts from a later open of the tab (a new login), not from a handle joining its group', () => {
    const { registry, attach, heardBy, deliver } = setup();
    attach('a');
    attach('b');
    registry.join('a', 'n', ALL, undefined, 100);
    registry.join('b', 'n', ALL, undefined, undefined, 100);
    // A second handle of each tab: its group's time, or a time before the cursor's open.
    registry.join('a', 'n', ALL, undefined, 100);
    registry.join('b', 'n', ALL, undefined, 100);
    deliver({ data: 1, seq: 1, at: 101 });
    deliver({ data: 2, seq: 2, at: 95 });
    expect(heardBy('a')).toEqual([[1], null, [], 2]);
    expect(heardBy('b')).toEqual([[1], null, [2], null]);
    // The page connected anew (its release of the old login came after, and was skipped).
    registry.join('a', 'n', ALL, undefined, 150);
    registry.join('b', 'n', ALL, undefined, 150);
    deliver({ data: 3, seq: 3, at: 120 });
    deliver({ data: 4, seq: 4, at: 150 });
    expect(heardBy('a').slice(4)).toEqual([[], 3, [4], null]);
    expect(heardBy('b').slice(4)).toEqual([[], 3, [4], null]);
  });
});

describe('dates as read at the hub’s clock (25b, review 24j)', () => {
  it('takes a date past its clock for one read before the clock stepped back, within a slack for clocks that read apart', () => {
    const { registry, attach, heardBy } = setup();
    const deliver = (frame: TabFrame, now: number) => {
      registry.deliver('n', frame, now);
      registry.flush();
    };
    attach('before');
    attach('after');
    // Opened at 5,000 (before the clock stepped back to 1,000), and at 1,005 after it.
    registry.join('before', 'n', ALL, undefined, 5_000);
    registry.join('after', 'n', ALL, undefined, 1_005);
    // Heard at 4,000 before the step (before 'before' opened), read here at 1,010.
    deliver({ data: 1, seq: 1, at: 4_000 }, 1_010);
    // Heard at 6,000 before the step (the clock ran ahead): after 'before' opened, before
    // 'after' did.
    deliver({ data: 2, seq: 2, at: 6_000 }, 1_010);
    // Heard at 1,002 after the step: after 'before' opened, before 'after' did.
    deliver({ data: 3, seq: 3, at: 1_002 }, 1_010);
    // Heard at 1,060 by a context whose clock reads 50 ms ahead of this one's: as read.
    deliver({ data: 4, seq: 4, at: 1_060 }, 1_020);
    expect(heardBy('before')).toEqual([[], 1, [2], null, [3], null, [4], null]);
    expect(heardBy('after')).toEqual([[], 1, [], 2, [], 3, [4], null]);
  });
});

it('keeps delivering to a tab opened before a step back once the clock reaches its open again (25b)', () => {
  const { registry, attach, heardBy } = setup();
  const deliver = (frame: TabFrame, now: number) => {
    registry.deliver('n', frame, now);
    registry.flush();
  };
  attach('tab');
  registry.join('tab', 'n', ALL, undefined, 5_000);
  // The clock stepped back to 4,000 after the open: the pushes heard since are the tab's.
  deliver({ data: 1, seq: 1, at: 4_000 }, 4_000);
  // It reaches the open's reading again: pushes heard in the slack before it, and after it.
  deliver({ data: 2, seq: 2, at: 4_950 }, 4_950);
  deliver({ data: 3, seq: 3, at: 4_999 }, 5_001);
  deliver({ data: 4, seq: 4, at: 5_010 }, 5_010);
  // A push a lagging channel brings, heard before the tab opened (before the step): passed over.
  deliver({ data: 0, seq: 0, at: 4_990 - 1_000 - 100 }, 5_020);
  expect(heardBy('tab')).toEqual([[1], null, [2], null, [3], null, [4], null, [], 0]);
});
