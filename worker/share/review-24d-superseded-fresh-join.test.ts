/**
 * Review 24d, the divergent path of fix 23j's rule (`RelayPeer.#follow`'s `#untold`), found
 * by reading: an owner that took the socket on its tabs' cursor S1:3 over the last owner's
 * fresh session F (`HeardStream.supersede`) answers a joining hub's fresh cursor of F as one
 * of S1 at 3: its verdict is the frames after 3 (the server replayed them to it), no
 * `resync`. The joining hub expected a `resync` by its own copy of `RecentFrames.missedBy`'s
 * rule (the owner's session had pushes: `taken.seq > 0`), so it never told its tabs S1, and
 * dropped the verdict's frames as seen: the answer's cursor stood past them.
 *
 * Invariant: each push reaches every handle that wants it once, in order, or a `resync`
 * comes before the first gap (`gap without resync`, sim/README.md "Invariants"). Severity:
 * high where it happens (pushes 4 and 5 lost in silence; the tabs left on a session no
 * owner is on), narrow: two owners' deaths in a row, the first before its resume, on two
 * builds. No sim plan: a unit test of the owner (`RelayOwner` over a superseding
 * `HeardStream`) and the peer (`RelayPeer`) on one in-memory channel.
 *
 * OLDER: fails on main (62e711a): the peer's tabs hear nothing at all (`told` is empty):
 * neither S1 nor pushes 4–5.
 *
 * Fixed: one rule. The owner's answer says whether its verdict is a `resync` (`OwnerMessage`
 * owner's `resyncs`, by `missesOther`, the rule `RecentFrames.missedBy` uses, on the cursor as
 * the owner maps it: `HeardStream.asOwn`); the hub tells its tabs the session at once unless
 * it says so. A superseded fresh cursor's answer stands at the cursor the owner took
 * (`startsAfter`), so the verdict's frames pass.
 */
import { expect, it } from 'vitest';
import type { OwnerMessage, OwnerStatus, PeerMessage } from '../../protocol/relay';
import type { SessionCursor, TabFrame } from '../../protocol/tab-hub';
import { HeardStream } from './heard-stream';
import { RelayOwner } from './relay-owner';
import { RelayPeer } from './relay-peer';

const OPEN: OwnerStatus = { state: 'open', generation: 1, failedAttempts: 0 };

it("tells a hub that joins with a superseded fresh cursor the owner's session, and its pushes", () => {
  const noop = () => {};
  const tabs = { post: noop, postTo: noop, deliver: noop };
  const clock = { now: () => 100, setTimeout: noop, clearTimeout: noop };
  // The owner: it took the socket on S1:3 over F, and heard pushes 4 and 5 since.
  const heard = new HeardStream('default', tabs, clock);
  const took: SessionCursor = { session: 'S1', seq: 3, nextId: 65, numbered: true };
  heard.supersede('F', took);
  heard.state(OPEN, { from: 'connecting', reason: 'handover' });
  heard.frame({ data: 4, seq: 4 }, 'S1');
  heard.frame({ data: 5, seq: 5 }, 'S1');
  let peer: RelayPeer | undefined;
  const owner = new RelayOwner(
    { postMessage: (message) => peer?.receive(message as OwnerMessage) },
    'o',
    'build-o',
    'ws://127.0.0.1:9/ws',
    'default',
    {
      status: OPEN,
      cursor: { session: 'S1', seq: 5, nextId: 65 },
      send: () => Promise.resolve(),
      numberedElsewhere: noop,
    },
    undefined,
    {
      topicsChanged: noop,
      close: noop,
      learn: noop,
      ended: noop,
      afterLogout: () => false,
      loggedOut: () => [],
    },
    heard,
    (task) => task(),
    clock,
  );
  heard.serve(owner);

  // The joining hub: its tabs were told the dead owner's fresh session F.
  const told: string[] = [];
  const events = {
    state: noop,
    error: noop,
    builds: noop,
    resync: () => told.push('resync'),
    cursor: (cursor: SessionCursor) => told.push(`cursor:${cursor.session}:${cursor.seq}`),
    frame: (frame: TabFrame) => told.push(`frame:${frame.seq}`),
  };
  const fresh: SessionCursor = { session: 'F', seq: 0, nextId: 65, fresh: true };
  // Posted as the owner hears it: the peer's join reaches the owner once the peer exists.
  const joins: PeerMessage[] = [];
  peer = new RelayPeer(
    { postMessage: (message) => joins.push(message as PeerMessage) },
    'p',
    'build-p',
    'ws://127.0.0.1:9/ws',
    events,
    fresh,
    'rejoin',
    [],
    1,
  );
  peer.receive({
    v: 1,
    from: 'o',
    kind: 'owner',
    build: 'build-o',
    url: 'ws://127.0.0.1:9/ws',
    status: OPEN,
    cursor: { session: 'S1', seq: 5, nextId: 65 },
    joined: '',
  });
  for (const join of joins.splice(0)) owner.receive(join);

  // Its tabs hear S1 before its pushes, and pushes 4 and 5 (or a resync).
  const moved = told.findIndex((event) => event.startsWith('cursor:S1'));
  expect(moved).toBeGreaterThanOrEqual(0);
  const after = told.slice(moved);
  if (!after.includes('resync'))
    expect(after).toEqual(expect.arrayContaining(['frame:4', 'frame:5']));
});
