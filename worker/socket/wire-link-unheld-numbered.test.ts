/**
 * Review 22c's late join (sim/review-22c-late-join-open-unheard.test.ts): a hub resumed a
 * session unheld (no hub it heard knew a resume of it went out), and a renewed login's
 * server started it anew under its id; a cursor of it numbered elsewhere (a reloaded page's
 * join, heard after the resume) named a push the server's session never had, and that
 * page's tabs dropped the new session's pushes up to it as seen. Such a cursor past the
 * server's head (`resumed`'s `seq`) now makes the login leave the id for a session of its
 * own, every tab told `resync`; one within it (the server's session is the one the cursor
 * numbered, its pushes replayed) changes nothing.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { HELLO, NONCE, resumeFrameOf, setup } from '../test-support/connection-harness';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const resumedAt = (seq: number) => JSON.stringify({ $ts: 'resumed', nonce: NONCE, seq });

/** A fresh session resumed unheld, the server's answer at `head`; `join` comes `before` the answer or after. */
function unheldResume(head: number, joinSeq: number, before: boolean) {
  const context = setup({ heartbeat: false });
  const { connection, latest } = context;
  connection.start();
  const socket = latest();
  socket.accept();
  socket.receive(HELLO);
  const { session } = resumeFrameOf(socket);
  expect(resumeFrameOf(socket)).not.toHaveProperty('held');
  const join = () =>
    connection.numberedElsewhere({ session, seq: joinSeq, nextId: 65, numbered: true });
  if (before) join();
  socket.receive(resumedAt(head));
  if (!before) join();
  return { ...context, session };
}

it.each([
  ['after the answer', false],
  ['before the answer', true],
])(
  'leaves an id resumed unheld once a numbered cursor of it names a push past the server’s head (%s)',
  (_, before) => {
    const { connection, resyncs, session } = unheldResume(0, 1, before);
    expect(resyncs).toHaveLength(1);
    expect(connection.cursor.session).not.toBe(session);
  },
);

it('keeps an id resumed unheld whose server had the numbered cursor’s pushes', () => {
  const { connection, resyncs, session } = unheldResume(3, 2, false);
  expect(resyncs).toHaveLength(0);
  expect(connection.cursor.session).toBe(session);
});

// Review 23h: a hub took a session from a tab's numbered cursor, a rejoin behind it rewound
// the resume, and a renewed login's server, which began the id anew, resumed it below the push
// the tab had: its tabs would drop that server's first pushes as seen. It leaves the id.
it('leaves an id a server resumed below a push this hub had of it, a rewind notwithstanding', () => {
  const { connection, latest, resyncs } = setup({ heartbeat: false });
  const session = 'taken-from-a-tab';
  connection.start({ session, seq: 5, nextId: 65, numbered: true });
  connection.rewind({ session, seq: 0, nextId: 65, numbered: true });
  const socket = latest();
  socket.accept();
  socket.receive(HELLO);
  expect(resumeFrameOf(socket)).toMatchObject({ session, last: 0, held: true });
  socket.receive(resumedAt(1));
  expect(resyncs).toHaveLength(1);
  expect(connection.cursor.session).not.toBe(session);
});

it('keeps an id a server resumed at or past every push this hub had of it', () => {
  const { connection, latest, resyncs } = setup({ heartbeat: false });
  const session = 'taken-from-a-tab';
  connection.start({ session, seq: 5, nextId: 65, numbered: true });
  connection.rewind({ session, seq: 0, nextId: 65, numbered: true });
  const socket = latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumedAt(5));
  expect(resyncs).toHaveLength(0);
  expect(connection.cursor.session).toBe(session);
});
