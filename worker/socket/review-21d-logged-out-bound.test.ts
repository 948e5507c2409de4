/**
 * Review 21d of d60e426 (`WireLink.leave` rejects the sends of a session a logout ended): the
 * link keeps the latest 16 sessions of what it is told (`LOGGED_OUT_KEPT`), and cuts the
 * list as it adds `sessions`, before it rejects. A hub's `leaving` word names up to 18 in one
 * go, and the ones it names first are the ones that matter: `LoginEnds.heardLeaving` answers
 * `[ended, the session of the cursor the hub's tabs alone brought, ...loggedOut.sessions]`,
 * the last up to `ENDED_KEPT_MAX` (16) of a keeper's `EndedSessions.list()`. With 15 or
 * more of those, the first two are cut before the rejection: the session the link leaves
 * (its `#takeSession` reads the whole `sessions`) is not among the logged-out ones, and the
 * dead worker's send carried under it goes on the link's new session, as before the fix.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { UnconfirmedSendError } from '../../protocol/errors';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed, setup } from '../test-support/connection-harness';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const ALICE: SessionCursor = { session: 'alice-S1', seq: 0, nextId: 65, numbered: true };

/** 16 older sessions the keeper names (`EndedSessions.list()`, at `ENDED_KEPT_MAX`). */
const OLDER = Array.from({ length: 16 }, (_, at) => `older-${at}`);

function messagesOn(socket: { sent: unknown[] }): unknown[] {
  return socket.sent
    .map((frame) => JSON.parse(String(frame)) as { $ts: string; text?: unknown })
    .filter((frame) => frame.$ts === 'msg')
    .map((frame) => frame.text);
}

// Invariant: resolved means the app got it exactly once (sim/README.md "Invariants", Sends):
// the dead worker wrote `alice` as alice-S1 #1, and here it goes again on the link's own
// session, which no server checks `was` alice-S1 in (another user's, or another login's),
// and resolves on its ack: the app gets it twice. Severity: low (it takes 15 other sessions
// ended within 10 min in the browser, `ENDED_KEPT_FOR`, named in one `leaving` word).
// What I saw: the resume names a session of the link's own (the leave took effect), the
// socket carries `["alice"]` (`{"$ts":"msg","id":1,"text":"alice","was":{"session":
// "alice-S1","id":1}}`), and the send resolves on the ack. With 14 older sessions it is
// rejected (`UnconfirmedSendError`) and nothing is written, as logged-out-repost.test.ts's
// first test. OLDER: the same on d60e426^1 (no rejection at all there); the fix's bound
// leaves it open. A fix: reject against `sessions` and the kept list together (or cut the
// kept list after the rejection, or keep the named-first sessions: `[...kept, ...sessions]`
// keeps the last ones, the keeper's oldest, and drops `ended`).
// Fixed (round 21): `leave` rejects against every session the word names; the bound is
// on those it keeps.
it('a send carried under the session left is rejected when the word names 16 more', async () => {
  const { connection, latest } = setup();
  connection.start(ALICE, 'handover');
  let outcome = 'pending';
  connection.send('alice', { id: 1, session: ALICE.session }).then(
    () => {
      outcome = 'resolved';
    },
    (error: unknown) => {
      outcome = (error as Error).constructor.name;
    },
  );
  // As `LoginEnds.heardLeaving` orders them: `ended`, then the keeper's list.
  connection.leave([ALICE.session, ...OLDER]);
  latest().accept();
  latest().receive(HELLO);
  const resume = JSON.parse(String(latest().sent[0])) as { session: string };
  expect(resume.session).not.toBe(ALICE.session);
  latest().receive(resumed(0));
  latest().receive('{"$ts":"ack","id":1}');
  await Promise.resolve();
  expect(messagesOn(latest())).toEqual([]);
  expect(outcome).toBe(UnconfirmedSendError.name);
});

// The bound's edge, as a control: one fewer older session, and the fix holds.
it('with 14 older sessions named, the send is rejected', async () => {
  const { connection, latest } = setup();
  connection.start(ALICE, 'handover');
  const sent = connection.send('alice', { id: 1, session: ALICE.session });
  connection.leave([ALICE.session, 'tabs-cursor', ...OLDER.slice(0, 14)]);
  await expect(sent).rejects.toBeInstanceOf(UnconfirmedSendError);
  latest().accept();
  latest().receive(HELLO);
  latest().receive(resumed(0));
  expect(messagesOn(latest())).toEqual([]);
});
