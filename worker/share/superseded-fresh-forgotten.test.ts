/**
 * Review 14: attacks on 749fe9b (`HeardStream.supersede`) that held. A hub that took the
 * socket on its tabs' cursor S1 over the owner's fresh session F answers a fresh cursor of F
 * as one of S1 at the cursor it took; it must not map a cursor of F once F's cursor says a
 * resume of it went out, nor after the login ended (a later login's F-named cursor).
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../protocol/state';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HeardStream } from './heard-stream';
import type { Missed } from './recent-frames';

function supersededStream() {
  const heard = new HeardStream('default', { post: () => {}, postTo: () => {}, deliver: () => {} });
  const current: SessionCursor = { session: 'S1', seq: 4, nextId: 65, numbered: true };
  const move = (state: ConnectionState) =>
    heard.state({ state, generation: 1, failedAttempts: 0 }, { from: 'idle', reason: 'start' });
  heard.supersede('F', current);
  move('open');
  const answers: Missed[] = [];
  const ask = (cursor: SessionCursor) =>
    heard.missedBy(
      'tab',
      cursor,
      () => current,
      (missed) => answers.push(missed),
    );
  return { ask, answers, move };
}

describe('a fresh session superseded by the cursor the hub took the socket on', () => {
  // Invariant: no resync for nothing (seed 3003), yet a resync where a cursor may have missed
  // pushes (no silent loss).
  it('answers a fresh cursor of F as one of S1, and a held one of F as another session', () => {
    const { ask, answers } = supersededStream();
    ask({ session: 'F', seq: 0, nextId: 65, fresh: true });
    ask({ session: 'F', seq: 0, nextId: 65 });
    expect(answers).toEqual([undefined, 'resync']);
  });

  it('forgets F once the login closed', () => {
    const { ask, answers, move } = supersededStream();
    move('closed');
    move('open');
    ask({ session: 'F', seq: 0, nextId: 65, fresh: true });
    expect(answers).toEqual(['resync']);
  });
});
