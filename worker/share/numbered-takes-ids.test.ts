/**
 * A peer ignores a `numbered`/`settled` of another login than its own (each login of a hub
 * numbers its sends from 1), yet a `numbered` still means something to it: its `wire` id is
 * used in the session (`#takeIds`), so that a peer that takes the socket over writes above
 * it. Reviews 12 and 13 found two answers whose id the login filter dropped with them.
 */
import { describe, expect, it } from 'vitest';
import { RelayPeer } from './relay-peer';

/** Hub p's peer in its second login, answered by the owner at cursor `nextId` 65. */
function secondLoginOfP() {
  const ignore = () => {};
  const peer = new RelayPeer(
    { postMessage: ignore },
    'p',
    'build-p',
    'ws://127.0.0.1:9/ws',
    { state: ignore, frame: ignore, error: ignore, resync: ignore, cursor: ignore, builds: ignore },
    { session: 's', seq: 0, nextId: 1 },
    'login',
    [],
    2,
  );
  const status = { state: 'open' as const, generation: 1, failedAttempts: 0 };
  const from = { v: 1, from: 'owner' } as const;
  const answer = { session: 's', seq: 0, nextId: 65 };
  peer.receive({
    ...from,
    kind: 'owner',
    build: 'b',
    url: '',
    status,
    cursor: answer,
    joined: 'p',
    asked: 1,
  });
  expect(peer.cursor?.nextId).toBe(65);
  /** The owner wrote hub `to`'s send 1, of its login 1, under id 100 in the session. */
  const numberedForLogin1Of = (to: string) =>
    peer.receive({ ...from, kind: 'numbered', to, id: 1, wire: 100, session: 's', login: 1 });
  return { peer, numberedForLogin1Of };
}

// Invariant (docs/design.md "Delivery guarantees"): resolved = the app got it exactly once;
// a hub that takes the session over writes its sends above every id written before (the
// server passes each id once, so a new message under a used id is acked and dropped).
// Severity: low (defence in depth: the owner's cursor reserves ID_RESERVE ids ahead and tells
// them; `#takeIds` covers a missed or late cursor event).
describe('an owner’s `numbered` of another login number', () => {
  // Review 12 (new in 9d3767e): the filter did not look at `to`, and login numbers are per
  // hub. Fixed: a peer filters by login only the answers addressed to it.
  it('to another hub: the peer takes the wire id as used in the session', () => {
    const { peer, numberedForLogin1Of } = secondLoginOfP();
    numberedForLogin1Of('q');
    // Seen at 9d3767e: 65 (the answer to q was dropped for p's login number).
    expect(peer.cursor?.nextId).toBeGreaterThan(100);
  });

  // Review 13 (new in 9d3767e, not fixed by 55bd66a): the earlier login's send, still in the
  // owner's queue, written in the current session after the next login joined. Fixed: a peer
  // takes the id of its earlier login's `numbered` before it drops it.
  it('to this hub, about its earlier login’s send: the peer takes the wire id too', () => {
    const { peer, numberedForLogin1Of } = secondLoginOfP();
    numberedForLogin1Of('p');
    // Seen at 55bd66a: 65 (the answer was dropped whole for its login, `#takeIds` included).
    expect(peer.cursor?.nextId).toBeGreaterThan(100);
  });
});
