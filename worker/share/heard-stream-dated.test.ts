/**
 * Fix 24a (review 23g, a foreign push): a hub dates a push when the hub that owned the socket
 * heard it (`TabFrame.at`), not when a lagging channel brought it here: a hub that takes the
 * lock answers a join without a cursor (`heardSince`) with no push made before its tabs opened,
 * such as a logged-out user's that the channel carried past the next user's open.
 */
import { expect, it } from 'vitest';
import type { TabFrame } from '../../protocol/tab-hub';
import { HeardStream } from './heard-stream';

it('dates a relayed push when its owner heard it, and a push of its own socket now', () => {
  let now = 87;
  const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const delivered: TabFrame[] = [];
  const heard = new HeardStream(
    'default',
    { post: () => {}, postTo: () => {}, deliver: (_name, frame) => delivered.push(frame) },
    clock,
  );
  const cursor = { session: 'S1', seq: 2, nextId: 1 };
  // Heard by the owner at 70, read here at 87 off a lagging channel.
  heard.frame({ data: 'p1', seq: 1, at: 70 }, 'S1');
  heard.frame({ data: 'p2', seq: 2, at: 70 }, 'S1');
  expect(heard.heardSince(87, cursor)).toEqual([]);
  expect(heard.heardSince(70, cursor)).toHaveLength(2);
  // This hub's socket heard it: dated now, and passed on so dated.
  now = 90;
  heard.frame({ data: 'p3', seq: 3 }, 'S1');
  expect(delivered.map((frame) => frame.at)).toEqual([70, 70, 90]);
  expect(heard.heardSince(87, { ...cursor, seq: 3 })).toEqual([{ data: 'p3', seq: 3, at: 90 }]);
});

it("reads the owner's heardTo and a tab's open as its clock stands, for the verdict on its join (25b, review 24j)", () => {
  let now = 1_010;
  const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const told: string[] = [];
  const heard = new HeardStream(
    'n',
    { post: () => {}, postTo: (tab) => told.push(tab), deliver: () => {} },
    clock,
  );
  // 'before' opened at 5,000, before the clock stepped back to 1,000; 'after' at 1,005.
  heard.owe('before', 5_000);
  heard.owe('after', 1_005);
  // The owner heard the stream go on at 1,002, after the step: after 'before' opened.
  heard.resync('owed', 1_002);
  expect(told).toEqual(['before']);
  told.length = 0;
  heard.owe('before', 5_000);
  heard.owe('after', 1_005);
  // At 6,000, before the step (the clock ran ahead): before 'after' opened, after 'before'.
  now = 1_020;
  heard.resync('owed', 6_000);
  expect(told).toEqual(['before']);
});
