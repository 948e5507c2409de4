/**
 * Review 12 of 9d3767e: a peer ignores a `numbered`/`settled` whose `login` is not its own,
 * but login numbers are per hub (`RelayEnvironment.nextLogin`), and the check does not look
 * at `to`: an answer to ANOTHER hub, whose login number happens to differ, is ignored too.
 * A `numbered` to another hub still means something to every peer: its `wire` id is taken
 * in the session (`#takeIds`), so that a peer that takes the socket over writes above it.
 * Since 9d3767e a peer learns that only from other hubs whose login number equals its own.
 */
import { describe, expect, it } from 'vitest';
import { RelayPeer } from './relay-peer';

describe('an owner’s `numbered` to another hub, of another login number', () => {
  // Invariant (docs/design.md "Delivery guarantees"): resolved = the app got it exactly once;
  // a hub that takes the session over writes its sends above every id written before (the
  // server passes each id once, so a new message under a used id is acked and dropped).
  // Severity: low (defence in depth: the owner's cursor reserves ID_RESERVE ids ahead and
  // tells them, so a peer that heard every cursor event is above the wire ids anyway; the
  // `#takeIds` of another hub's `numbered` is what covers a missed or late cursor event).
  // NEW in 9d3767e: at 9d3767e^ the same test passes (checked: relay-peer.ts of 8e17942).
  // Fixed: a peer filters by login only the answers addressed to it.
  it('still takes the wire id as used in the session', () => {
    const ignore = () => {};
    const peer = new RelayPeer(
      { postMessage: ignore },
      'p',
      'build-p',
      'ws://127.0.0.1:9/ws',
      {
        state: ignore,
        frame: ignore,
        error: ignore,
        resync: ignore,
        cursor: ignore,
        builds: ignore,
      },
      { session: 's', seq: 0, nextId: 1 },
      'login',
      [],
      // Hub p's second login (its first one ended): hub q is still on its first.
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
    // The owner wrote hub q's send 1 (q's login 1) under id 100.
    peer.receive({ ...from, kind: 'numbered', to: 'q', id: 1, wire: 100, session: 's', login: 1 });
    // Seen at 9d3767e: 65 (the answer to q was dropped for p's login number).
    expect(peer.cursor?.nextId).toBeGreaterThan(100);
  });
});
