/**
 * `held` on a resume (`WireSession`, `WireLink`): a server may have the session from the
 * moment a resume of it is written, so every later resume says so, also one a hub writes
 * from the tabs' cursor; a session no resume was ever written of is `fresh` in its cursor,
 * and a hub that takes it from there resumes it as new (no resync for nothing).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, NONCE, resumeFrameOf, setup } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { HELLO_WINDOW } from './wire-link';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** Starts from `cursor`, opens the socket and lets it hear hello: the resume it writes. */
function resumeFrom(cursor?: SessionCursor, before?: (context: ReturnType<typeof setup>) => void) {
  const context = setup();
  context.connection.start(cursor);
  before?.(context);
  const socket = context.latest();
  socket.accept();
  socket.receive(HELLO);
  return { ...context, resume: resumeFrameOf(socket) };
}

it('tells a new session as fresh, and as no longer fresh before its first resume is written', () => {
  const { connection, cursors, latest } = setup();
  connection.start();
  expect(cursors.at(-1)).toMatchObject({ fresh: true });
  const socket = latest();
  socket.accept();
  let toldFirst = false;
  const write = socket.send.bind(socket);
  socket.send = (data) => {
    toldFirst = cursors.at(-1)?.fresh === undefined;
    write(data);
  };
  socket.receive(HELLO);
  expect(toldFirst).toBe(true);
  expect(resumeFrameOf(socket)).not.toHaveProperty('held');
  expect(connection.cursor).not.toHaveProperty('fresh');
});

it('resumes a fresh cursor as new, and one without fresh (offered, or an older build) as held', () => {
  const fresh = { session: 'fresh-session-0123', seq: 0, nextId: 65, fresh: true } as const;
  expect(resumeFrom(fresh).resume).not.toHaveProperty('held');
  const older = { session: 'older-session-0123', seq: 0, nextId: 65 };
  expect(resumeFrom(older).resume).toMatchObject({ session: older.session, held: true });
});

it('says held for a fresh session once a cursor of it says another hub wrote a resume', () => {
  const fresh = { session: 'fresh-session-0123', seq: 0, nextId: 65, fresh: true } as const;
  const { resume } = resumeFrom(fresh, ({ connection }) => {
    connection.learn({ session: fresh.session, seq: 0, nextId: 65 });
  });
  expect(resume).toMatchObject({ session: fresh.session, held: true });
});

// A new login's hub joined with the session numbered (`RelayOwner`, review 20d): its resume
// says held, but the cursor stays fresh until this hub writes one (a peer keeps its tabs'
// cursor of another session over it), and the tabs hear numbered before that resume, also
// on a later socket of the login (a new session after a refusal), where a held session's
// resume tells them nothing.
it('says held for a session another hub said was numbered, its cursor fresh until the resume', () => {
  const { connection, cursors, latest, lastState } = setup();
  connection.start();
  latest().accept();
  latest().receive(HELLO);
  latest().receive(
    JSON.stringify({ $ts: 'error', code: 'invalid-session', message: 'no', nonce: NONCE }),
  );
  const { session } = connection.cursor;
  connection.numberedElsewhere({ session, seq: 0, nextId: 65, numbered: true });
  expect(connection.cursor).toMatchObject({ session, fresh: true });
  vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
  const socket = latest();
  socket.accept();
  let toldFirst = false;
  const write = socket.send.bind(socket);
  socket.send = (data) => {
    toldFirst ||= cursors.at(-1)?.numbered === true;
    write(data);
  };
  socket.receive(HELLO);
  expect(toldFirst).toBe(true);
  expect(resumeFrameOf(socket)).toMatchObject({ session, held: true });
});

it('says numbered once a resume went to a server that said hello; not for a plain one', () => {
  const { connection } = resumeFrom();
  expect(connection.cursor).toMatchObject({ numbered: true });
  // A held session (an older build's cursor) on a server that never says hello.
  const older = { session: 'older-session-0123', seq: 0, nextId: 65 };
  const plain = setup();
  plain.connection.start(older);
  plain.latest().accept();
  vi.advanceTimersByTime(HELLO_WINDOW);
  expect(plain.connection.cursor).not.toHaveProperty('numbered');
});

// A session taken from a cursor that is held but not numbered (a pagehide's, an owner's
// announcement to a relaying hub, an older build's): the tabs hear `numbered` once its
// resume goes to a server that said hello, before the worker may die (they would resync
// after the death, though nothing was lost: sim seed 600).
it('tells the tabs numbered once a held session it took from a cursor is resumed on a hello server', () => {
  const { connection, cursors, resume } = resumeFrom({
    session: 'taken-session-0123',
    seq: 0,
    nextId: 65,
  });
  expect(resume).toMatchObject({ session: 'taken-session-0123', held: true });
  expect(connection.cursor).toMatchObject({ numbered: true });
  expect(cursors.at(-1)).toMatchObject({ session: 'taken-session-0123', numbered: true });
});

it('never tells numbered for a held session on a plain server, whatever its cursor said', () => {
  const { connection, cursors, latest } = setup();
  connection.start({ session: 'taken-session-0123', seq: 0, nextId: 65, numbered: true });
  latest().accept();
  vi.advanceTimersByTime(HELLO_WINDOW);
  expect(connection.cursor).not.toHaveProperty('numbered');
  for (const cursor of cursors) expect(cursor).not.toHaveProperty('numbered');
});

describe('across hubs', () => {
  let world = hubWorld();
  afterEach(() => {
    world.dispose();
    world = hubWorld();
  });

  it('a relaying hub that takes the socket over resumes held a session whose owner wrote its resume', async () => {
    vi.useRealTimers();
    const name = 'held-across-hubs';
    const options = relayOptions(name);
    const owner = world.startHub('build-a');
    const ownerTab = await world.attachTab(owner.hub, 'owner-tab');
    await ownerTab.api.open('owner-tab', options);
    await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
    const relaying = world.startHub('build-b');
    const relayTab = await world.attachTab(relaying.hub, 'relay-tab');
    await relayTab.api.open('relay-tab', options);
    await vi.waitFor(() => expect(relaying.hub.inspect(name)?.cursor).toHaveProperty('fresh'));
    const first = world.latest();
    first.accept();
    first.receive(HELLO);
    const { session } = resumeFrameOf(first);
    // The server attached it; its answer is lost with the owner.
    await vi.waitFor(() => expect(relaying.hub.inspect(name)?.cursor).not.toHaveProperty('fresh'));
    // Its tabs, should their worker die, know that a fresh one resumes it: no resync.
    expect(relaying.hub.inspect(name)?.cursor).toHaveProperty('numbered', true);
    owner.kill();
    owner.hub.dispose();
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const second = world.latest();
    second.accept();
    second.receive(HELLO);
    expect(resumeFrameOf(second)).toMatchObject({ session, held: true });
  });
});
