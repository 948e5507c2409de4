/**
 * Review 13 of 55bd66a: a peer now filters by login only the `numbered`/`settled` addressed
 * to it (`to === hubId`), so another hub's `numbered` takes its wire id again
 * (answer-to-another-hub-login.test.ts). But a `numbered` addressed to THIS hub about its
 * earlier login's send (same hub id, another login number: the earlier login's send, still
 * in the owner's queue, written in the current session after the next login joined) is
 * still dropped whole, before `#takeIds`: the peer does not learn that the id is used.
 */
import { describe, expect, it } from 'vitest';
import { RelayPeer } from './relay-peer';

describe('an owner’s `numbered` to this hub, about its earlier login’s send', () => {
  // Invariant (docs/design.md "Delivery guarantees"): resolved = the app got it exactly once;
  // a hub that takes the session over writes its sends above every id written before (the
  // server passes each id once, so a new message under a used id is acked and dropped).
  // Severity: low (defence in depth, as answer-to-another-hub-login.test.ts: the owner's
  // cursor reserves ids ahead and tells them; `#takeIds` covers a missed or late cursor event).
  // NOT FIXED by 55bd66a (the same road as review 12's, for this hub's own earlier login);
  // NEW in 9d3767e (before it, no login filter: every `numbered` took its id).
  // Fixed: a peer takes the id of its earlier login's `numbered` before it drops it.
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
      // Hub p's second login (its first one ended, its send 1 still in the owner's queue).
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
    // The owner wrote hub p's login 1's send 1 under id 100, in the current session.
    peer.receive({ ...from, kind: 'numbered', to: 'p', id: 1, wire: 100, session: 's', login: 1 });
    // Seen at 55bd66a: 65 (the answer is dropped whole for its login, `#takeIds` included).
    expect(peer.cursor?.nextId).toBeGreaterThan(100);
  });
});
