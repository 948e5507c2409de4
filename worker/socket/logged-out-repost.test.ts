/**
 * A send written under a session that another hub's logout ended is of that login: a hub
 * that leaves the session for one of its own (`WireLink.leave`: a cursor of the ended login
 * reached it, no resume went out yet) rejects it as unconfirmed, and never writes it under
 * the fresh session, which the server would take as another login's
 * (sim/dead-worker-send-after-user-switch.test.ts: a dead worker's send, re-posted by its tab
 * as tab 0's app logged out and in as bob, reached the app twice, the second time on bob's
 * session, and resolved). Each of these failed before the fix: the re-post went on the fresh
 * session, as `was` S1 (a server of another user's login does not check it) or, after the
 * leave, under its own S1 id, and resolved on the ack.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnconfirmedSendError } from '../../protocol/errors';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed, setup } from '../test-support/connection-harness';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** The tabs' cursor of the session alice's logout ended: a fresh worker's rejoin brings it. */
const ALICE: SessionCursor = { session: 'alice-S1', seq: 0, nextId: 65, numbered: true };

/** How `sent` settled so far: its error's class name when rejected. */
function outcomeOf(sent: Promise<void>): () => string {
  let outcome = 'pending';
  sent.then(
    () => {
      outcome = 'resolved';
    },
    (error: unknown) => {
      outcome = (error as Error).constructor.name;
    },
  );
  return () => outcome;
}

/** The text of each `msg` frame written on `socket`. */
function messagesOn(socket: { sent: unknown[] }): unknown[] {
  return socket.sent
    .map((frame) => JSON.parse(String(frame)) as { $ts: string; text?: unknown })
    .filter((frame) => frame.$ts === 'msg')
    .map((frame) => frame.text);
}

describe('a send written under a session a logout ended', () => {
  it('is rejected as unconfirmed when the hub leaves that session, not written on its own', async () => {
    const { connection, latest } = setup();
    connection.start(ALICE, 'handover');
    // The dead worker wrote it as alice-S1 #1; its tab posted it again to this hub.
    const repost = outcomeOf(connection.send('alice', { id: 1, session: ALICE.session }));
    // Named, as a re-post of a worker that had switched sessions since is.
    const named = outcomeOf(
      connection.send('alice-named', { was: { session: ALICE.session, id: 2 } }),
    );
    const fresh = outcomeOf(connection.send('next'));
    connection.leave([ALICE.session]);
    latest().accept();
    latest().receive(HELLO);
    const resume = JSON.parse(String(latest().sent[0])) as { session: string };
    expect(resume.session).not.toBe(ALICE.session);
    latest().receive(resumed(0));
    expect(messagesOn(latest())).toEqual(['next']);
    latest().receive('{"$ts":"ack","id":1}');
    await Promise.resolve();
    expect([repost(), named(), fresh()]).toEqual([
      UnconfirmedSendError.name,
      UnconfirmedSendError.name,
      'resolved',
    ]);
  });

  it('is rejected as unconfirmed when it reaches the hub after the leave', async () => {
    // The order of `OwnedSocket`'s start: the lock came with `leaving` heard, then the sends
    // the hub relayed before are handed to the socket.
    const { connection, latest } = setup();
    connection.start(ALICE, 'handover');
    connection.leave([ALICE.session]);
    const repost = outcomeOf(connection.send('alice', { id: 1, session: ALICE.session }));
    const named = outcomeOf(
      connection.send('alice-named', { was: { session: ALICE.session, id: 2 } }),
    );
    latest().accept();
    latest().receive(HELLO);
    latest().receive(resumed(0));
    expect(messagesOn(latest())).toEqual([]);
    await Promise.resolve();
    expect([repost(), named()]).toEqual([UnconfirmedSendError.name, UnconfirmedSendError.name]);
  });

  it('goes on in that session when its resume went out before the leave (left as it is)', async () => {
    const { connection, latest } = setup();
    connection.start(ALICE, 'handover');
    latest().accept();
    latest().receive(HELLO);
    connection.leave([ALICE.session]);
    const repost = connection.send('alice', { id: 1, session: ALICE.session });
    latest().receive(resumed(0));
    expect(messagesOn(latest())).toEqual(['alice']);
    latest().receive('{"$ts":"ack","id":1}');
    await expect(repost).resolves.toBeUndefined();
  });
});
