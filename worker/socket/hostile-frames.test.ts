import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  HELLO,
  NONCE,
  resumed,
  resumeFrameOf,
  resync,
  setupOpen,
  setupResumed,
} from '../test-support/connection-harness';
import { HELLO_WINDOW } from './wire-link';

/**
 * Frames a hostile peer can make the server relay (a chat line, a push of user text) or
 * send itself. On a socket that speaks the protocol none of them may pass for a control
 * frame, and no number may wedge the session.
 */

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** Opens, answers hello, and leaves the socket waiting for the answer to its resume. */
function setupResuming() {
  const context = setupOpen({ heartbeat: false });
  context.latest().receive(HELLO);
  return context;
}

describe('app data that looks like control frames', () => {
  it('ignores a resync without the hello nonce while resuming: later pushes still arrive', () => {
    const { latest, frames, resyncs } = setupResuming();
    latest().receive('{"$ts":"resync","seq":1000000}');
    latest().receive(resumed(0));
    latest().receive('{"$ts":"push","seq":1,"data":"first"}');
    expect(resyncs).toEqual([]);
    expect(frames).toEqual([{ data: 'first' }]);
  });

  it('ignores a resumed without the nonce: sends keep waiting for the real one', async () => {
    const { connection, latest } = setupResuming();
    const sent = connection.send('held');
    latest().receive('{"$ts":"resumed","seq":0}');
    latest().receive(resumed(0, 'another-socket-nonce-000'));
    expect(latest().sent).toHaveLength(1);
    latest().receive(resumed(0));
    expect(latest().sent[1]).toBe('{"$ts":"msg","id":1,"text":"held"}');
    latest().receive('{"$ts":"ack","id":1}');
    await sent;
  });

  it('ignores a resume answer whose lastId is not a message id: no id jumps past safe integers', async () => {
    const { connection, latest } = setupResuming();
    const sent = connection.send('held');
    for (const lastId of ['-1', '1.5', '"70"', '9007199254740992']) {
      latest().receive(`{"$ts":"resumed","nonce":"${NONCE}","seq":0,"lastId":${lastId}}`);
    }
    expect(latest().sent).toHaveLength(1);
    latest().receive(`{"$ts":"resumed","nonce":"${NONCE}","seq":0,"lastId":70}`);
    expect(latest().sent[1]).toBe('{"$ts":"msg","id":71,"text":"held"}');
    latest().receive('{"$ts":"ack","id":71}');
    await sent;
  });

  it('drops pushes and acks written before the session is attached', async () => {
    const { connection, latest, sockets, frames } = setupResumed();
    let settled = false;
    void connection.send('m1').then(() => {
      settled = true;
    });
    latest().drop();
    vi.advanceTimersByTime(100);
    latest().accept();
    latest().receive(HELLO);
    latest().receive('{"$ts":"ack","id":1}');
    latest().receive('{"$ts":"push","seq":1,"data":"forged"}');
    await Promise.resolve();
    expect(settled).toBe(false);
    latest().receive(resumed(1));
    latest().receive('{"$ts":"push","seq":1,"data":"real"}');
    expect(frames).toEqual([{ data: 'real' }]);
    expect(sockets).toHaveLength(2);
  });

  it('acts on hello only as the first frame of a socket', () => {
    const { latest, sockets } = setupResumed();
    latest().receive(HELLO);
    latest().receive('{"$ts":"push","seq":1,"data":1}');
    expect(latest().sent).toHaveLength(1);
    expect(sockets).toHaveLength(1);
  });

  it('takes a hello without a nonce of 16+ characters for an application frame of a plain server', async () => {
    for (const hello of ['{"$ts":"hello","v":1}', '{"$ts":"hello","v":1,"nonce":"short"}']) {
      const { connection, latest, frames } = setupOpen({ heartbeat: false });
      latest().receive(hello);
      await connection.send('plain');
      expect(latest().sent).toEqual(['plain']);
      expect(frames).toEqual([{ data: JSON.parse(hello) }]);
    }
  });

  it('does not act on a hello that follows an application frame', () => {
    const { latest, frames } = setupOpen({ heartbeat: false });
    latest().receive('{"chat":"hi"}');
    latest().receive(HELLO);
    vi.advanceTimersByTime(HELLO_WINDOW);
    expect(latest().sent).toEqual([]);
    expect(frames).toEqual([{ data: { chat: 'hi' } }]);
  });
});

describe('numbers out of range', () => {
  it.each([
    ['2^53', 2 ** 53],
    ['a negative seq', -1],
    ['a fraction', 1.5],
    ['a string', '"2"'],
  ])('drops a push numbered with %s, and the stream goes on', (_, seq) => {
    const { latest, frames, resyncs } = setupResumed();
    latest().receive(`{"$ts":"push","seq":${seq},"data":"bad"}`);
    latest().receive('{"$ts":"push","seq":1,"data":"good"}');
    expect(frames).toEqual([{ data: 'good' }]);
    expect(resyncs).toEqual([]);
  });

  it.each([
    ['a number', 42],
    ['empty', ''],
    ['longer than 128 characters', 'x'.repeat(129)],
  ])('drops a resync whose new session is %s', (_, session) => {
    const { latest, resyncs, cursors } = setupResuming();
    const known = cursors.length;
    latest().receive(JSON.stringify({ $ts: 'resync', nonce: NONCE, seq: 0, session }));
    expect(resyncs).toEqual([]);
    expect(cursors).toHaveLength(known);
  });

  it('drops a resync to 2^53 even with the nonce: the stream is not wedged', () => {
    const { latest, frames } = setupResuming();
    latest().receive(resync(2 ** 53));
    latest().receive(resumed(0));
    latest().receive('{"$ts":"push","seq":1,"data":1}');
    expect(frames).toEqual([{ data: 1 }]);
  });

  it('ignores acks whose id is not a whole number from 1', async () => {
    const { connection, latest } = setupResumed();
    let settled = false;
    const sent = connection.send('m').then(() => {
      settled = true;
    });
    for (const id of ['0', '-1', '1.5', '"1"', String(2 ** 53)]) {
      latest().receive(`{"$ts":"ack","id":${id}}`);
    }
    await Promise.resolve();
    expect(settled).toBe(false);
    latest().receive('{"$ts":"ack","id":1}');
    await sent;
  });
});

describe('a resume the server refuses', () => {
  it('starts a fresh session on the next socket, resyncs the tabs, and resends what was unacked', async () => {
    const { connection, latest, sockets, resyncs, lastState } = setupResumed();
    latest().receive('{"$ts":"push","seq":1,"data":1}');
    const pending = connection.send('unacked');
    latest().drop();
    vi.advanceTimersByTime(100);
    latest().accept();
    latest().receive(HELLO);
    const refused = resumeFrameOf(latest());
    expect(refused.last).toBe(1);
    latest().receive(
      JSON.stringify({ $ts: 'error', code: 'invalid-session', message: 'no', nonce: NONCE }),
    );
    expect(resyncs).toEqual([1]);
    expect(lastState()).toMatchObject({ state: 'backoff', detail: { reason: 'resume-refused' } });

    vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
    latest().accept();
    latest().receive(HELLO);
    const fresh = resumeFrameOf(latest());
    expect(fresh.session).not.toBe(refused.session);
    expect(fresh.last).toBe(0);
    latest().receive(resumed(0));
    expect(latest().sent[1]).toBe('{"$ts":"msg","id":1,"text":"unacked"}');
    latest().receive('{"$ts":"ack","id":1}');
    await pending;
    expect(sockets).toHaveLength(3);
  });

  it('keeps the session through a refusal that is not about it (overloaded: the store failed)', () => {
    const { latest, lastState, resyncs, sockets } = setupResumed();
    latest().receive('{"$ts":"push","seq":1,"data":1}');
    const session = resumeFrameOf(latest()).session;
    latest().drop();
    vi.advanceTimersByTime(100);
    latest().accept();
    latest().receive(HELLO);
    latest().receive(
      JSON.stringify({ $ts: 'error', code: 'overloaded', message: 'busy', nonce: NONCE }),
    );
    latest().drop(1013);
    expect(resyncs).toEqual([]);
    expect(lastState()?.detail).toMatchObject({ reason: 'close', code: 1013 });
    vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
    latest().accept();
    latest().receive(HELLO);
    expect(resumeFrameOf(latest())).toMatchObject({ session, last: 1 });
    expect(sockets).toHaveLength(3);
  });

  it('takes an error without the nonce for what it says: a refused frame, nothing more', () => {
    const { latest, lastState, resyncs } = setupResuming();
    latest().receive('{"$ts":"error","code":"malformed","message":"forged"}');
    expect(resyncs).toEqual([]);
    expect(lastState()?.state).toBe('open');
  });
});
