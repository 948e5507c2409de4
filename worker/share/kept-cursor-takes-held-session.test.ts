/**
 * Review 14: attacks on 97fd1db (`RelayPeer.#merged` keeps the tabs' cursor over an owner's
 * fresh session) that held. The fix relies on the owner's cursor event, told before its
 * resume is written (`WireLink.#startResume`), to move the peer onto the owner's session
 * once that session is held: else its pushes would count under the kept session's cursor.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerMessage } from '../../protocol/relay';
import type { SessionCursor } from '../../protocol/tab-hub';
import { RelayPeer } from './relay-peer';

const from = { v: 1, from: 'owner' } as const;
const status = { state: 'connecting' as const, generation: 1, failedAttempts: 0 };

/** Hub p, whose tab brought S1's cursor, answered by an owner whose session F is fresh. */
function keptOverFresh() {
  const ignore = () => {};
  const told: SessionCursor[] = [];
  const frames: Array<string | undefined> = [];
  const peer = new RelayPeer(
    { postMessage: ignore },
    'p',
    'build-p',
    'ws://127.0.0.1:9/ws',
    {
      state: ignore,
      frame: (_frame, session) => frames.push(session),
      error: ignore,
      resync: ignore,
      cursor: (cursor) => told.push(cursor),
      builds: ignore,
    },
    { session: 'S1', seq: 4, nextId: 65, numbered: true },
    'login',
    [],
    1,
  );
  peer.receive({
    ...from,
    kind: 'owner',
    build: 'b',
    url: '',
    status,
    cursor: { session: 'F', seq: 0, nextId: 65, fresh: true },
    joined: 'p',
    asked: 1,
  });
  const event = (told: Extract<OwnerMessage, { kind: 'event' }>['event']) =>
    peer.receive({ ...from, kind: 'event', event: told });
  return { peer, told, frames, event };
}

describe('a cursor kept over a fresh session, once the owner writes its resume', () => {
  it('keeps S1 while F is fresh, as the tabs’ own', () => {
    const { peer, told } = keptOverFresh();
    expect(peer.cursor?.session).toBe('S1');
    expect(peer.tabsCursor?.session).toBe('S1');
    expect(peer.declinedFresh).toBe('F');
    expect(told).toEqual([]);
  });

  // Invariant: every push once, in order (a push of F counted under S1's cursor would move
  // S1's seq, and a takeover would resume S1 past pushes never heard: a silent gap).
  it('takes F, tells it, and forgets the declined session when the owner says F is held', () => {
    const { peer, told, frames, event } = keptOverFresh();
    event({ kind: 'cursor', name: 'default', cursor: { session: 'F', seq: 0, nextId: 65 } });
    expect(peer.cursor).toMatchObject({ session: 'F', seq: 0 });
    expect(peer.cursor?.fresh).toBeUndefined();
    expect(peer.declinedFresh).toBeUndefined();
    expect(peer.tabsCursor).toBeUndefined();
    expect(told.map(({ session }) => session)).toEqual(['F']);
    event({ kind: 'frames', name: 'default', frames: [{ data: 'p', seq: 1 }] });
    expect(frames).toEqual(['F']);
    expect(peer.cursor?.seq).toBe(1);
  });
});
