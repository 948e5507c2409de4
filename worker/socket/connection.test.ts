import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectionClosedError,
  ConnectionFailedError,
  MalformedFrameError,
  OutboxFullError,
  RefusedError,
  TooLargeError,
  UnconfirmedSendError,
} from '../../protocol/errors';
import {
  HELLO,
  NONCE,
  resumed,
  resumeFrameOf,
  resync,
  resyncOnto,
  setup,
  setupAtEntry,
  setupOpen,
  setupPlain,
  setupResumed,
} from '../test-support/connection-harness';
import { FINAL_ACKS_WITHIN } from './final-acks';
import { HELLO_WINDOW, ID_RESERVE } from './wire-link';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Connection', () => {
  describe('#start()', () => {
    it('opens one socket with the url and protocols and goes idle → connecting', () => {
      const { connection, sockets, states } = setup({ protocols: ['v1', 'v2'] });
      connection.start();
      expect(sockets).toHaveLength(1);
      expect(sockets[0]?.url).toBe('ws://127.0.0.1:9/ws');
      expect(sockets[0]?.protocols).toEqual(['v1', 'v2']);
      expect(sockets[0]?.binaryType).toBe('arraybuffer');
      expect(states).toEqual([{ state: 'connecting', detail: { from: 'idle', reason: 'start' } }]);
    });

    it('does nothing while connecting or open', () => {
      const { connection, sockets, latest } = setup();
      connection.start();
      connection.start();
      latest().accept();
      connection.start();
      expect(sockets).toHaveLength(1);
      expect(connection.state).toBe('open');
    });

    it('opens a new socket after close() (a new login)', () => {
      const { connection, sockets } = setupOpen();
      connection.close();
      connection.start();
      expect(sockets).toHaveLength(2);
      expect(connection.state).toBe('connecting');
    });

    it('waits in offline when the browser is offline', () => {
      const { connection, sockets } = setup();
      connection.setOnline(false);
      connection.start();
      expect(connection.state).toBe('offline');
      expect(sockets).toHaveLength(0);
    });

    it('counts a socket constructor that throws as a failed attempt', () => {
      const context = setup();
      context.env.createSocket = () => {
        throw new SyntaxError('blocked port');
      };
      context.connection.start();
      expect(context.connection.state).toBe('backoff');
      expect(context.lastState()?.detail).toMatchObject({ attempt: 1, delay: 100 });
    });
  });

  describe('open', () => {
    it('goes connecting → open when the handshake completes', () => {
      const { lastState, connection } = setupOpen();
      expect(connection.state).toBe('open');
      expect(lastState()).toEqual({
        state: 'open',
        detail: { from: 'connecting', reason: 'open', transport: 'websocket' },
      });
    });

    it('abandons a handshake that hangs past connectTimeout and retries after the backoff', () => {
      const { connection, sockets, lastState } = setup();
      connection.start();
      vi.advanceTimersByTime(2_999);
      expect(connection.state).toBe('connecting');
      vi.advanceTimersByTime(1);
      expect(lastState()?.state).toBe('backoff');
      expect(lastState()?.detail.reason).toBe('connect-timeout');
      expect(sockets[0]?.closeCalls).toHaveLength(1);
      vi.advanceTimersByTime(100);
      expect(sockets).toHaveLength(2);
    });
  });

  describe('#send()', () => {
    it('writes at once while open, once the server showed it is plain', async () => {
      const { connection, latest } = setupOpen();
      vi.advanceTimersByTime(HELLO_WINDOW);
      await connection.send('hello');
      expect(latest().sent).toEqual(['hello']);
    });

    it('queues while connecting and flushes in order on open, resolving each', async () => {
      const { connection, latest } = setup();
      connection.start();
      const settled: string[] = [];
      const sends = ['a', 'b', 'c'].map((data) =>
        connection.send(data).then(() => settled.push(data)),
      );
      await Promise.resolve();
      expect(settled).toEqual([]);
      expect(connection.queued).toBe(3);
      latest().accept();
      vi.advanceTimersByTime(HELLO_WINDOW);
      await Promise.all(sends);
      expect(latest().sent).toEqual(['a', 'b', 'c']);
      expect(settled).toEqual(['a', 'b', 'c']);
    });

    it('queues while in backoff and while offline, and sends on the next open', async () => {
      const { connection, sockets, latest } = setupOpen();
      latest().drop();
      const duringBackoff = connection.send('during-backoff');
      connection.setOnline(false);
      const whileOffline = connection.send('while-offline');
      connection.setOnline(true);
      latest().accept();
      vi.advanceTimersByTime(HELLO_WINDOW);
      await Promise.all([duringBackoff, whileOffline]);
      expect(sockets[1]?.sent).toEqual(['during-backoff', 'while-offline']);
    });

    it('rejects the message over outboxLimit with OutboxFullError and keeps the others', async () => {
      const { connection, latest } = setupAtEntry({ outboxLimit: 2 });
      connection.start();
      const first = connection.send('1');
      const second = connection.send('2');
      await expect(connection.send('3')).rejects.toBeInstanceOf(OutboxFullError);
      latest().accept();
      vi.advanceTimersByTime(HELLO_WINDOW);
      await Promise.all([first, second]);
      expect(latest().sent).toEqual(['1', '2']);
    });

    it('rejects with ConnectionClosedError after close()', async () => {
      const { connection, latest } = setupAtEntry();
      connection.start();
      latest().accept();
      connection.close(1000, '', 'logout');
      await expect(connection.send('x')).rejects.toBeInstanceOf(ConnectionClosedError);
    });

    it('rejects with ConnectionFailedError once failed', async () => {
      const { connection, latest } = setupAtEntry();
      connection.start();
      latest().accept();
      latest().drop(4401);
      await expect(connection.send('x')).rejects.toBeInstanceOf(ConnectionFailedError);
    });
  });

  describe('#close()', () => {
    const cases: Array<[string, (context: ReturnType<typeof setup>) => void]> = [
      ['connecting', ({ connection }) => connection.start()],
      [
        'open',
        ({ connection, latest }) => {
          connection.start();
          latest().accept();
        },
      ],
      [
        'backoff',
        ({ connection, latest }) => {
          connection.start();
          latest().accept();
          latest().drop();
        },
      ],
      [
        'offline',
        ({ connection }) => {
          connection.setOnline(false);
          connection.start();
        },
      ],
    ];

    for (const [state, reach] of cases) {
      it(`closes for good while ${state}: no socket, no timer survives`, () => {
        const context = setup();
        reach(context);
        expect(context.connection.state).toBe(state);
        const socketsBefore = context.sockets.length;
        context.connection.close(4000, 'bye');
        expect(context.lastState()).toEqual({
          state: 'closed',
          detail: { from: state, reason: 'logout', code: 4000, closeReason: 'bye' },
        });
        expect(vi.getTimerCount()).toBe(0);
        vi.advanceTimersByTime(10 * 60_000);
        expect(context.sockets).toHaveLength(socketsBefore);
        expect(context.connection.state).toBe('closed');
      });
    }

    it('closes the socket with the code and reason and ignores its late events', () => {
      const { connection, latest, states } = setupOpen();
      const socket = latest();
      const lateClose = socket.onclose;
      connection.close(1000, 'logout');
      expect(socket.closeCalls).toEqual([{ code: 1000, reason: 'logout' }]);
      expect(socket.onclose).toBeNull();
      const count = states.length;
      lateClose?.({ code: 1006, reason: '' } as CloseEvent);
      expect(states).toHaveLength(count);
    });

    it('rejects every queued message with ConnectionClosedError', async () => {
      const { connection } = setup();
      connection.start();
      const queued = [connection.send('a'), connection.send('b')];
      connection.close();
      for (const send of queued) await expect(send).rejects.toBeInstanceOf(ConnectionClosedError);
      expect(connection.queued).toBe(0);
    });
  });

  describe('heartbeat', () => {
    it('starts when negotiation ends, so a short interval holds against a plain server', () => {
      // Regression: a ping skipped during the hello window left a 300/300 ms heartbeat
      // no pong to see before its deadline, and a healthy socket was abandoned.
      const { connection, latest } = setupOpen({ heartbeat: { interval: 300, timeout: 300 } });
      let answered = 0;
      for (let step = 0; step < 100; step++) {
        vi.advanceTimersByTime(50);
        const pings = latest().sent.filter((frame) => frame === 'ping').length;
        for (; answered < pings; answered++) latest().receive('pong');
      }
      expect(connection.state).toBe('open');
      expect(answered).toBeGreaterThanOrEqual(14);
    });

    it('sends the ping every interval and never delivers the pong', () => {
      const { latest, frames } = setupPlain();
      vi.advanceTimersByTime(1_000);
      expect(latest().sent).toEqual(['ping']);
      latest().receive('pong');
      vi.advanceTimersByTime(1_000);
      expect(latest().sent).toEqual(['ping', 'ping']);
      expect(frames).toEqual([]);
    });

    it('abandons a silent socket at interval + timeout without waiting for its close event', () => {
      const { connection, sockets, lastState } = setupPlain();
      vi.advanceTimersByTime(1_499);
      expect(connection.state).toBe('open');
      vi.advanceTimersByTime(1);
      expect(lastState()).toEqual({
        state: 'backoff',
        detail: { from: 'open', reason: 'heartbeat-timeout', attempt: 1, delay: 100 },
      });
      expect(sockets[0]?.closeCalls).toHaveLength(1);
      expect(sockets[0]?.onmessage).toBeNull();
      vi.advanceTimersByTime(100);
      expect(sockets).toHaveLength(2);
      expect(connection.state).toBe('connecting');
    });

    it('counts any inbound frame as life', () => {
      const { connection, latest } = setupPlain();
      for (let i = 0; i < 10; i++) {
        vi.advanceTimersByTime(1_000);
        latest().receive('{"n":1}');
      }
      expect(connection.state).toBe('open');
    });

    it('ignores events of a socket it abandoned (generation check)', () => {
      const { connection, latest, frames, states } = setupPlain();
      const old = latest();
      const { onmessage, onclose } = old;
      vi.advanceTimersByTime(1_500 + 100);
      expect(latest()).not.toBe(old);
      latest().accept();
      const count = states.length;
      onmessage?.({ data: '{"stale":true}' } as MessageEvent);
      onclose?.({ code: 1006, reason: '' } as CloseEvent);
      expect(states).toHaveLength(count);
      expect(frames).toEqual([]);
      expect(connection.state).toBe('open');
    });

    it('declares death when a late ping tick finds the deadline passed (suspended machine)', () => {
      const { connection, latest } = setupPlain();
      // The machine sleeps: the clock jumps but no timer has run yet.
      vi.setSystemTime(Date.now() + 60_000);
      vi.advanceTimersByTime(1_000);
      expect(connection.state).toBe('backoff');
      expect(latest().sent).toEqual([]);
    });

    it.each([
      ['"ping" answered by "pong"', { ping: 'ping', pong: 'pong' }, 'ping', 'pong'],
      [
        '"HeartBeat" echoed back',
        { ping: 'HeartBeat', pong: 'HeartBeat' },
        'HeartBeat',
        'HeartBeat',
      ],
      [
        'JSON {type:"ping"} answered by {type:"pong"}',
        { ping: { type: 'ping' }, pong: { type: 'pong' } },
        '{"type":"ping"}',
        '{"type":"pong","ts":1}',
      ],
    ] as const)('works with a server whose heartbeat is %s', (_, heartbeat, ping, pong) => {
      const { connection, latest, frames } = setupPlain({
        heartbeat: { interval: 1_000, timeout: 500, ...heartbeat },
      });
      for (let i = 0; i < 5; i++) {
        vi.advanceTimersByTime(1_000);
        expect(latest().sent.at(-1)).toBe(ping);
        latest().receive(pong);
      }
      expect(connection.state).toBe('open');
      expect(frames).toEqual([]);
    });

    it('sends nothing and never times out with heartbeat: false', () => {
      const { connection, latest } = setupPlain({ heartbeat: false });
      vi.advanceTimersByTime(10 * 60_000);
      expect(latest().sent).toEqual([]);
      expect(connection.state).toBe('open');
    });
  });

  describe('backoff', () => {
    it('grows the delay per failed attempt by factor, up to maxDelay', () => {
      const { connection, latest, states } = setup({
        heartbeat: false,
        reconnect: { minDelay: 100, maxDelay: 500, factor: 2, jitter: 0 },
      });
      connection.start();
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        latest().drop();
        const delay = states.at(-1)?.detail.delay ?? -1;
        delays.push(delay);
        vi.advanceTimersByTime(delay);
      }
      expect(delays).toEqual([100, 200, 400, 500, 500]);
    });

    it('applies full jitter with the injected randomness', () => {
      const { connection, latest, lastState } = setup(
        { reconnect: { minDelay: 1_000, jitter: 1 } },
        () => 0.25,
      );
      connection.start();
      latest().drop();
      expect(lastState()?.detail.delay).toBe(750);
    });

    it('resets the attempts only after the socket stayed open minUptime', () => {
      const { connection, latest, lastState } = setupOpen({ heartbeat: false });
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().accept();
      vi.advanceTimersByTime(1_999);
      latest().drop();
      expect(lastState()?.detail.attempt).toBe(2);
      vi.advanceTimersByTime(200);
      latest().accept();
      vi.advanceTimersByTime(2_000);
      latest().drop();
      expect(lastState()?.detail.attempt).toBe(1);
      expect(connection.failedAttempts).toBe(1);
    });

    it('fails after maxAttempts failed attempts in a row and rejects the outbox', async () => {
      const { connection, latest, lastState, sockets } = setup({
        heartbeat: false,
        reconnect: { minDelay: 10, jitter: 0, maxAttempts: 3 },
      });
      connection.start();
      const queued = connection.send('never');
      latest().drop();
      vi.advanceTimersByTime(10);
      latest().drop();
      vi.advanceTimersByTime(20);
      latest().drop();
      expect(lastState()).toEqual({
        state: 'failed',
        detail: { from: 'connecting', reason: 'max-attempts', code: 1006, attempt: 3 },
      });
      await expect(queued).rejects.toBeInstanceOf(ConnectionFailedError);
      vi.advanceTimersByTime(60_000);
      expect(sockets).toHaveLength(3);
    });

    it.each([1008, 4400, 4401, 4499])('fails at once on close code %i (stopOn default)', (code) => {
      const { latest, lastState, sockets } = setupOpen();
      latest().drop(code, 'unauthorized');
      expect(lastState()).toEqual({
        state: 'failed',
        detail: { from: 'open', reason: 'stop-code', code, closeReason: 'unauthorized' },
      });
      vi.advanceTimersByTime(60_000);
      expect(sockets).toHaveLength(1);
    });

    it.each([1000, 1001, 1006, 1011, 4500])('retries after close code %i', (code) => {
      const { lastState, latest } = setupOpen();
      latest().drop(code);
      expect(lastState()?.state).toBe('backoff');
      expect(lastState()?.detail).toMatchObject({ reason: 'close', code });
    });
  });

  describe('#setOnline()', () => {
    it('offline while open abandons the socket and waits without retrying', () => {
      const { connection, sockets, lastState } = setupOpen();
      connection.setOnline(false);
      expect(lastState()).toEqual({
        state: 'offline',
        detail: { from: 'open', reason: 'offline' },
      });
      expect(sockets[0]?.closeCalls).toHaveLength(1);
      vi.advanceTimersByTime(10 * 60_000);
      expect(sockets).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('online while offline reconnects at once with the attempts reset', () => {
      const { connection, latest, sockets } = setupOpen();
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().drop();
      connection.setOnline(false);
      connection.setOnline(true);
      expect(sockets).toHaveLength(3);
      expect(connection.state).toBe('connecting');
      expect(connection.failedAttempts).toBe(0);
    });

    it('online while in backoff retries at once instead of waiting out the delay', () => {
      const { connection, latest, sockets } = setupOpen({
        reconnect: { minDelay: 60_000, maxDelay: 60_000, jitter: 0 },
      });
      latest().drop();
      connection.setOnline(true);
      expect(sockets).toHaveLength(2);
    });

    it('a socket that dies while offline goes to offline, not backoff', () => {
      const { connection, latest } = setup();
      connection.start();
      connection.setOnline(false);
      expect(connection.state).toBe('offline');
      expect(latest().onclose).toBeNull();
    });
  });

  describe('inbound frames', () => {
    it('delivers parsed JSON with its topic', () => {
      const { latest, frames } = setupOpen();
      latest().receive('{"topic":"prices","v":1}');
      latest().receive('[1,2]');
      expect(frames).toEqual([
        { data: { topic: 'prices', v: 1 }, topic: 'prices' },
        { data: [1, 2] },
      ]);
    });

    it('uses topicKey to find the topic', () => {
      const { latest, frames } = setupOpen({ topicKey: 'channel' });
      latest().receive('{"channel":"chat","topic":"x"}');
      expect(frames[0]?.topic).toBe('chat');
    });

    it('delivers a malformed JSON frame as text with an error, and the heartbeat goes on', () => {
      const { connection, latest, frames, errors } = setupOpen();
      vi.advanceTimersByTime(1_000);
      latest().receive('{not json');
      expect(frames).toEqual([{ data: '{not json' }]);
      expect(errors[0]).toBeInstanceOf(MalformedFrameError);
      expect(errors[0]?.code).toBe('TS_ERR_MALFORMED_FRAME');
      vi.advanceTimersByTime(1_400);
      expect(connection.state).toBe('open');
    });

    it("delivers text as is in 'text' format", () => {
      const { latest, frames, errors } = setupOpen({ format: 'text' });
      latest().receive('hello');
      latest().receive('{"topic":"t"}');
      expect(frames).toEqual([{ data: 'hello' }, { data: '{"topic":"t"}', topic: 't' }]);
      expect(errors).toEqual([]);
    });

    it('delivers binary frames untouched', () => {
      const { latest, frames } = setupOpen();
      const bytes = new Uint8Array([1, 2, 3]).buffer;
      latest().receive(bytes);
      expect(frames).toEqual([{ data: bytes }]);
    });
  });

  describe('negotiation with a plain server', () => {
    it('holds sends for at most HELLO_WINDOW after open, then writes them plainly', async () => {
      const { connection, latest } = setupOpen();
      const sent = connection.send('early');
      vi.advanceTimersByTime(HELLO_WINDOW - 1);
      expect(latest().sent).toEqual([]);
      vi.advanceTimersByTime(1);
      await sent;
      expect(latest().sent).toEqual(['early']);
    });

    it('takes a first frame that is not hello as the sign of a plain server', async () => {
      const { connection, latest, frames } = setupOpen();
      const sent = connection.send('early');
      latest().receive('{"welcome":true}');
      await sent;
      expect(latest().sent).toEqual(['early']);
      expect(frames).toEqual([{ data: { welcome: true } }]);
    });

    it('listens for hello again on the next socket of a login taken as plain', async () => {
      const { connection, latest } = setupOpen({ heartbeat: false });
      vi.advanceTimersByTime(HELLO_WINDOW);
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().accept();
      const sent = connection.send('numbered');
      // Its hello was only late on the first socket (a busy event loop): the session starts here.
      vi.advanceTimersByTime(HELLO_WINDOW - 1);
      latest().receive(HELLO);
      expect(resumeFrameOf(latest())).toMatchObject({ $ts: 'resume', last: 0 });
      latest().receive(resumed(0));
      expect(latest().sent[1]).toBe('{"$ts":"msg","id":1,"text":"numbered"}');
      latest().receive('{"$ts":"ack","id":1}');
      await sent;
    });

    it('writes plainly on the next socket of a plain server once its hello window passed', async () => {
      const { connection, latest } = setupOpen();
      vi.advanceTimersByTime(HELLO_WINDOW);
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().accept();
      const sent = connection.send('plain');
      vi.advanceTimersByTime(HELLO_WINDOW);
      await sent;
      expect(latest().sent).toEqual(['plain']);
    });

    it('delivers $ts frames of a plain server as the application frames they are', () => {
      const { latest, frames } = setupOpen({ heartbeat: false });
      vi.advanceTimersByTime(HELLO_WINDOW);
      latest().receive('{"$ts":"push","seq":1,"data":1}');
      expect(frames).toEqual([{ data: { $ts: 'push', seq: 1, data: 1 } }]);
    });
  });

  describe('tabsocket protocol', () => {
    it('answers hello with a resume of a new session, and sends nothing else before resumed', async () => {
      const { connection, latest } = setupOpen({ heartbeat: false });
      const sent = connection.send('early');
      latest().receive(HELLO);
      vi.advanceTimersByTime(HELLO_WINDOW * 5);
      const resume = resumeFrameOf(latest());
      expect(resume).toMatchObject({ $ts: 'resume', last: 0 });
      expect(resume.session).toMatch(/^[0-9a-f]{32}$/);
      expect(latest().sent).toHaveLength(1);
      latest().receive(resumed(0));
      expect(latest().sent[1]).toBe('{"$ts":"msg","id":1,"text":"early"}');
      latest().receive('{"$ts":"ack","id":1}');
      await sent;
    });

    it('resolves send() on the ack, not on the write', async () => {
      const { connection, latest } = setupResumed();
      let settled = false;
      const sent = connection.send('a').then(() => {
        settled = true;
      });
      await Promise.resolve();
      expect(latest().sent.at(-1)).toBe('{"$ts":"msg","id":1,"text":"a"}');
      expect(settled).toBe(false);
      latest().receive('{"$ts":"ack","id":1}');
      await sent;
      expect(settled).toBe(true);
    });

    it('tells a cursor that reserves message ids ahead: once per ID_RESERVE sends, never below an id written', () => {
      const { connection, latest, cursors } = setupResumed();
      // The new session's, then the same once its resume was written (no longer fresh, and
      // with a server that numbers its pushes).
      expect(cursors).toHaveLength(2);
      expect(cursors[0]).toMatchObject({ seq: 0, nextId: 1 + ID_RESERVE, fresh: true });
      expect(cursors[1]).toEqual({
        session: cursors[0]?.session,
        seq: 0,
        nextId: 1 + ID_RESERVE,
        numbered: true,
      });
      for (let n = 1; n <= ID_RESERVE + 1; n++) void connection.send(`m${n}`).catch(() => {});
      const written = latest()
        .sent.map((frame) => JSON.parse(String(frame)) as { $ts: string; id?: number })
        .filter((frame) => frame.$ts === 'msg');
      expect(written).toHaveLength(ID_RESERVE + 1);
      expect(cursors).toHaveLength(3);
      const highest = Math.max(...written.map((frame) => frame.id ?? 0));
      expect(cursors.at(-1)?.nextId).toBeGreaterThan(highest);
      expect(connection.cursor).toEqual(cursors.at(-1));
    });

    it('takes a session over from a cursor: resumes it and numbers above the cursor', () => {
      const { connection, latest } = setup();
      connection.start({ session: 'taken-over', seq: 41, nextId: 200 }, 'handover');
      latest().accept();
      latest().receive(HELLO);
      expect(JSON.parse(String(latest().sent[0]))).toMatchObject({
        session: 'taken-over',
        last: 41,
      });
      latest().receive(resumed(41));
      void connection.send('next').catch(() => {});
      expect(latest().sent.at(-1)).toBe('{"$ts":"msg","id":200,"text":"next"}');
    });

    it('goes on under a session of its own when another hub says its logout ended the one it took, before its resume went out', () => {
      // Seed 172: the owner page reloaded as another page logged out, and the server never
      // heard that logout; the reloaded page's cursor of the ended session came to the next
      // login's hub, which resumed it. The hub that logged out says so in its join.
      const { connection, latest } = setup();
      connection.start({ session: 'logged-out', seq: 2, nextId: 65 }, 'handover');
      connection.leave(['logged-out']);
      latest().accept();
      latest().receive(HELLO);
      const resume = JSON.parse(String(latest().sent[0]));
      expect(resume.session).not.toBe('logged-out');
      expect(resume).toMatchObject({ last: 0 });
      expect(resume).not.toHaveProperty('held');

      // Its resume went out already: the server may have attached it, and it stays.
      const late = setup();
      late.connection.start({ session: 'logged-out', seq: 2, nextId: 65 }, 'handover');
      late.latest().accept();
      late.latest().receive(HELLO);
      late.connection.leave(['logged-out']);
      expect(late.connection.cursor.session).toBe('logged-out');
    });

    it('unwraps pushes, delivers each seq once, and routes them by topic', () => {
      const { latest, frames } = setupResumed();
      latest().receive('{"$ts":"push","seq":1,"data":{"topic":"t","n":1}}');
      latest().receive('{"$ts":"push","seq":1,"data":{"topic":"t","n":1}}');
      latest().receive('{"$ts":"push","seq":2,"text":"[2]"}');
      expect(frames).toEqual([{ data: { topic: 't', n: 1 }, topic: 't' }, { data: [2] }]);
    });

    it('resumes after the last push delivered and resends unacked messages first, in order', async () => {
      const { connection, latest, sockets } = setupResumed();
      latest().receive('{"$ts":"push","seq":1,"data":1}');
      latest().receive('{"$ts":"push","seq":2,"data":2}');
      const first = connection.send('m1');
      const second = connection.send('m2');
      latest().receive('{"$ts":"ack","id":1}');
      latest().drop();
      const third = connection.send('m3');
      vi.advanceTimersByTime(100);
      const socket = latest();
      expect(socket).toBe(sockets[1]);
      socket.accept();
      socket.receive(HELLO);
      expect(resumeFrameOf(socket)).toMatchObject({
        last: 2,
        session: resumeFrameOf(sockets[0] as never).session,
      });
      socket.receive(resumed(3));
      expect(socket.sent.slice(1)).toEqual([
        '{"$ts":"msg","id":2,"text":"m2"}',
        '{"$ts":"msg","id":3,"text":"m3"}',
      ]);
      socket.receive('{"$ts":"ack","id":2}');
      socket.receive('{"$ts":"ack","id":3}');
      await Promise.all([first, second, third]);
    });

    it('drops plain frames that arrive before the session is attached (the replay brings them)', () => {
      const { latest, frames } = setupOpen({ heartbeat: false });
      latest().receive(HELLO);
      latest().receive('{"n":1}');
      latest().receive(resumed(1));
      latest().receive('{"$ts":"push","seq":1,"data":{"n":1}}');
      expect(frames).toEqual([{ data: { n: 1 } }]);
    });

    it('starts the session on a socket whose hello came late when nothing went either way on it yet', async () => {
      const { connection, latest } = setupOpen({ heartbeat: { interval: 1_000, timeout: 500 } });
      vi.advanceTimersByTime(HELLO_WINDOW + 400);
      latest().receive(HELLO);
      expect(resumeFrameOf(latest())).toMatchObject({ $ts: 'resume', last: 0 });
      const sent = connection.send('acked');
      latest().receive(resumed(0));
      expect(latest().sent.at(-1)).toBe('{"$ts":"msg","id":1,"text":"acked"}');
      latest().receive('{"$ts":"ack","id":1}');
      await sent;
    });

    it('keeps a socket plain when its hello comes after a ping went, and resumes on the next socket', () => {
      const { latest } = setupOpen({ heartbeat: { interval: 100, timeout: 5_000 } });
      vi.advanceTimersByTime(HELLO_WINDOW + 100);
      expect(latest().sent).toHaveLength(1);
      latest().receive(HELLO);
      expect(latest().sent).toHaveLength(1);
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().accept();
      vi.advanceTimersByTime(HELLO_WINDOW * 2);
      latest().receive(HELLO);
      expect(resumeFrameOf(latest())).toMatchObject({ $ts: 'resume' });
    });

    it('keeps a socket plain when the hello comes after a send went plainly, and resumes on the next socket', async () => {
      const { connection, latest, sockets } = setupOpen({ heartbeat: false });
      vi.advanceTimersByTime(HELLO_WINDOW);
      await connection.send('plain');
      latest().receive(HELLO);
      expect(latest().sent).toEqual(['plain']);
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().accept();
      // Known to speak the protocol now: no plain fallback after HELLO_WINDOW.
      vi.advanceTimersByTime(HELLO_WINDOW * 2);
      latest().receive(HELLO);
      expect(resumeFrameOf(latest())).toMatchObject({ $ts: 'resume' });
      expect(sockets).toHaveLength(2);
    });

    it('sends no heartbeat ping before the session is attached', () => {
      const { latest } = setupOpen({ heartbeat: { interval: 100, timeout: 5_000 } });
      latest().receive(HELLO);
      vi.advanceTimersByTime(250);
      expect(latest().sent).toHaveLength(1);
      latest().receive(resumed(0));
      vi.advanceTimersByTime(100);
      expect(latest().sent.at(-1)).toBe('ping');
    });

    it('tells the tabs to resync when the server cannot replay, then goes on', () => {
      const { latest, frames, resyncs, sockets } = setupResumed();
      latest().receive('{"$ts":"push","seq":1,"data":1}');
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resync(40));
      latest().receive('{"$ts":"push","seq":41,"data":41}');
      expect(resyncs).toEqual([1]);
      expect(frames.map((frame) => frame.data)).toEqual([1, 41]);
      expect(sockets).toHaveLength(2);
    });

    it('takes the new session of a resync that names one: its cursor before its pushes, then resync, then its stream', async () => {
      const { connection, latest, frames, resyncs, cursors, lastState } = setupResumed();
      for (let seq = 1; seq <= 5; seq++)
        latest().receive(`{"$ts":"push","seq":${seq},"data":${seq}}`);
      const acked = connection.send('m1');
      const unacked = connection.send('m2');
      latest().receive('{"$ts":"ack","id":1}');
      await acked;
      const old = resumeFrameOf(latest()).session;
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().accept();
      latest().receive(HELLO);
      expect(resumeFrameOf(latest())).toMatchObject({ session: old, last: 5 });
      latest().receive(resyncOnto('the-new-session-0123'));
      // Told before any push of the new stream: the tabs' and peers' cursors of the old
      // session would drop its pushes 1, 2… as seen.
      expect(cursors.at(-1)).toMatchObject({ session: 'the-new-session-0123', seq: 0 });
      expect(resyncs).toEqual([5]);
      // The new session never had message 2: it goes again as its first, naming where it was
      // written (the server may hold that session still: another login's, review 18).
      expect(latest().sent.slice(1)).toEqual([
        `{"$ts":"msg","id":1,"text":"m2","was":{"session":"${old}","id":2}}`,
      ]);
      latest().receive('{"$ts":"push","seq":1,"data":"new 1"}');
      latest().receive('{"$ts":"push","seq":2,"data":"new 2"}');
      expect(frames.map((frame) => frame.data)).toEqual([1, 2, 3, 4, 5, 'new 1', 'new 2']);
      latest().receive('{"$ts":"ack","id":1}');
      await unacked;
      expect(connection.cursor).toMatchObject({ session: 'the-new-session-0123', seq: 2 });
      latest().drop();
      vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
      latest().accept();
      latest().receive(HELLO);
      expect(resumeFrameOf(latest())).toMatchObject({ session: 'the-new-session-0123', last: 2 });
    });

    it('never moves its last push down: a resync below it without a new session is a refused resume', () => {
      const { latest, frames, resyncs, cursors, lastState } = setupResumed();
      for (let seq = 1; seq <= 5; seq++)
        latest().receive(`{"$ts":"push","seq":${seq},"data":${seq}}`);
      const old = resumeFrameOf(latest()).session;
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().accept();
      latest().receive(HELLO);
      // A server that lost the session and numbers it from 1 again, under the same id.
      latest().receive(resync(0));
      latest().receive('{"$ts":"push","seq":1,"data":"new 1"}');
      expect(resyncs).toEqual([5]);
      expect(lastState()).toMatchObject({ state: 'backoff', detail: { reason: 'resume-refused' } });
      expect(cursors.at(-1)?.session).not.toBe(old);
      vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
      latest().accept();
      latest().receive(HELLO);
      const fresh = resumeFrameOf(latest());
      expect(fresh).toMatchObject({ session: cursors.at(-1)?.session, last: 0 });
      latest().receive(resumed(1));
      latest().receive('{"$ts":"push","seq":1,"data":"new 1"}');
      expect(frames.map((frame) => frame.data)).toEqual([1, 2, 3, 4, 5, 'new 1']);
    });

    it('treats a gap in the sequence as a resync', () => {
      const { latest, frames, resyncs } = setupResumed();
      latest().receive('{"$ts":"push","seq":1,"data":1}');
      latest().receive('{"$ts":"push","seq":3,"data":3}');
      expect(resyncs).toEqual([1]);
      expect(frames.map((frame) => frame.data)).toEqual([1, 3]);
    });

    it('starts a new session after close(): a new login shares nothing with the last', () => {
      const { connection, latest, sockets } = setupResumed();
      latest().receive('{"$ts":"push","seq":1,"data":1}');
      connection.close();
      connection.start();
      latest().accept();
      latest().receive(HELLO);
      const before = resumeFrameOf(sockets[0] as never);
      const after = resumeFrameOf(latest());
      expect(after.last).toBe(0);
      expect(after.session).not.toBe(before.session);
    });

    it('rejects at once, as not delivered, what a close() finds not written', async () => {
      const { connection } = setupOpen();
      // Negotiating: the message waits for the session to be attached.
      const sent = connection.send('never written');
      connection.close();
      await expect(sent).rejects.toBeInstanceOf(ConnectionClosedError);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('a logout waits for the ack of a message written: the server may have it, so it resolves on its ack', async () => {
      const { connection, latest, frames, lastState } = setupResumed();
      const socket = latest();
      const sent = connection.send('order #1');
      expect(socket.sent.at(-1)).toBe('{"$ts":"msg","id":1,"text":"order #1"}');
      connection.close(4000, 'bye');
      // The tabs see the logout at once; the socket stays open for the ack only.
      expect(lastState()?.state).toBe('closed');
      expect(socket.closeCalls).toEqual([]);
      socket.receive(JSON.stringify({ $ts: 'push', seq: 1, data: { n: 1 } }));
      expect(frames).toEqual([]);
      socket.receive('{"$ts":"ack","id":1}');
      await expect(sent).resolves.toBeUndefined();
      expect(socket.closeCalls).toEqual([{ code: 4000, reason: 'bye' }]);
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(10 * 60_000);
      expect(connection.state).toBe('closed');
    });

    it('a logout tells a server that speaks the protocol to end the session (end), after what it wrote; nothing else does', () => {
      // Found by the simulation (push after logout): a server that kept a session a logout
      // closed resumed it for the next login, from a cursor a page or a dying worker kept.
      const resumedOne = setupResumed();
      resumedOne.connection.close(4000, 'bye');
      expect(resumedOne.latest().sent.at(-1)).toBe('{"$ts":"end"}');
      expect(resumedOne.latest().closeCalls).toEqual([{ code: 4000, reason: 'bye' }]);

      // Its resume written and not answered yet: the server reads the end after it.
      const resuming = setupOpen();
      resuming.latest().receive(HELLO);
      resuming.connection.close();
      expect(resuming.latest().sent.map((frame) => JSON.parse(String(frame)).$ts)).toEqual([
        'resume',
        'end',
      ]);

      // The last tab gone, a new url: the session lives on (a reload brings its cursor back).
      const released = setupResumed();
      released.connection.close(1000, '', 'released');
      expect(released.latest().sent.at(-1)).not.toBe('{"$ts":"end"}');
      // A plain server never said hello: it sees nothing new.
      const plain = setupPlain();
      plain.connection.close();
      expect(plain.latest().sent).toEqual([]);
    });

    it('a logout settles at once a written message the server refuses while it waits: RefusedError, not unconfirmed', async () => {
      const { connection, latest } = setupResumed();
      const socket = latest();
      const refused = connection.send('a');
      connection.close();
      socket.receive('{"$ts":"error","code":"malformed","message":"no","refused":"msg","id":1}');
      await expect(refused).rejects.toBeInstanceOf(RefusedError);
      expect(socket.closeCalls).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('a logout gives up a written message still unacked after FINAL_ACKS_WITHIN: its fate is unknown (UnconfirmedSendError)', async () => {
      const { connection, latest } = setupResumed();
      const sent = connection.send('order #1');
      connection.close();
      vi.advanceTimersByTime(FINAL_ACKS_WITHIN - 1);
      expect(latest().closeCalls).toEqual([]);
      vi.advanceTimersByTime(1);
      await expect(sent).rejects.toMatchObject({ code: 'TS_ERR_UNCONFIRMED' });
      expect(latest().closeCalls).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('a logout ends the wait when the server closes the socket, and a new login ends it at once', async () => {
      const first = setupResumed();
      const lost = first.connection.send('a');
      first.connection.close();
      first.latest().drop();
      await expect(lost).rejects.toBeInstanceOf(UnconfirmedSendError);
      expect(vi.getTimerCount()).toBe(0);

      const { connection, latest, sockets } = setupResumed();
      const old = latest();
      const sent = connection.send('b');
      connection.close();
      connection.start();
      await expect(sent).rejects.toBeInstanceOf(UnconfirmedSendError);
      expect(old.closeCalls).toHaveLength(1);
      expect(sockets).toHaveLength(2);
    });

    it('rejects as unconfirmed, at once, a message written on a socket that dropped', async () => {
      const { connection, latest } = setupResumed();
      const sent = connection.send('a');
      latest().drop();
      connection.close();
      await expect(sent).rejects.toBeInstanceOf(UnconfirmedSendError);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('counts unacked messages toward outboxLimit', async () => {
      const { connection, latest } = setupAtEntry({ heartbeat: false, outboxLimit: 2 });
      connection.start();
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      void connection.send('1');
      void connection.send('2');
      await expect(connection.send('3')).rejects.toBeInstanceOf(OutboxFullError);
      expect(connection.queued).toBe(2);
    });

    it('fails a slow handshake of a server known to speak the protocol, and does not make the login plain', () => {
      const { latest, lastState } = setupResumed({ connectTimeout: 2_000 });
      latest().drop();
      vi.advanceTimersByTime(100);
      latest().accept();
      vi.advanceTimersByTime(2_000);
      expect(lastState()?.detail.reason).toBe('connect-timeout');
      expect(latest().sent).toEqual([]);
      vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
      latest().accept();
      latest().receive(HELLO);
      expect(resumeFrameOf(latest())).toMatchObject({ $ts: 'resume' });
    });

    it('abandons a socket whose server said hello but never attached the session', () => {
      const { latest, lastState } = setupOpen({ heartbeat: false, connectTimeout: 2_000 });
      latest().receive(HELLO);
      vi.advanceTimersByTime(2_000);
      expect(lastState()?.detail.reason).toBe('connect-timeout');
    });

    it('tells the server the topics once attached, and again only when they change', () => {
      const { connection, latest, frames } = setupOpen({ heartbeat: false });
      connection.setTopics(['b', 'a']);
      latest().receive(HELLO);
      latest().receive(resumed(0));
      connection.setTopics(['a', 'b']);
      connection.setTopics(['a']);
      latest().receive('{"$ts":"error","code":"x","message":"y"}');
      expect(latest().sent.slice(1)).toEqual([
        '{"$ts":"sub","topics":["a","b"]}',
        '{"$ts":"sub","topics":["a"]}',
      ]);
      expect(frames).toEqual([]);
    });

    it('tells the next socket the topics once sent, also none: the session kept the last set', () => {
      const { connection, latest, lastState } = setupOpen({ heartbeat: false });
      connection.setTopics(['a']);
      latest().receive(HELLO);
      latest().receive(resumed(0));
      latest().drop();
      connection.setTopics([]);
      vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      expect(latest().sent.slice(1)).toEqual(['{"$ts":"sub","topics":[]}']);
    });

    it('never resends a message the server closed the socket for (1009): it rejects, the rest goes on', async () => {
      const { connection, latest, lastState } = setupResumed({ limits: { maxPayload: 10_000 } });
      const big = connection.send('x'.repeat(5_000));
      const small = connection.send('s');
      const bigFrame = latest().sent.at(-2);
      latest().drop(1009, 'Max payload size exceeded');
      await expect(big).rejects.toBeInstanceOf(TooLargeError);
      expect(lastState()?.state).toBe('backoff');
      vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      expect(latest().sent.slice(1)).toEqual(['{"$ts":"msg","id":2,"text":"s"}']);
      expect(latest().sent).not.toContain(bigFrame);
      latest().receive('{"$ts":"ack","id":2}');
      await small;
      // The limit is now below that message: the same one is refused before it is written.
      await expect(connection.send('x'.repeat(5_000))).rejects.toBeInstanceOf(TooLargeError);
      expect(connection.state).toBe('open');
    });

    it('blames a 1009 on a larger binary message written on that socket, not on a small unacked text', async () => {
      // The server says 10,000 bytes; something in front of it takes less.
      const { connection, latest, lastState } = setupResumed({ limits: { maxPayload: 10_000 } });
      await connection.send(new Uint8Array(8_000).buffer);
      const small = connection.send('s');
      const smallSettled = small.then(
        () => 'sent',
        (error: { code?: string }) => error.code,
      );
      latest().drop(1009, 'Max payload size exceeded');
      vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
      latest().accept();
      latest().receive(HELLO);
      latest().receive(resumed(0));
      latest().receive('{"$ts":"ack","id":1}');
      expect(await smallSettled).toBe('sent');
      // The limit falls below the binary message, not below a few bytes.
      expect(connection.limits.maxPayload).toBe(7_999);
      const later = connection.send('a message of thirty characters');
      latest().receive('{"$ts":"ack","id":2}');
      await expect(later).resolves.toBeUndefined();
    });

    it('does not resend an unacked message over the maxPayload the next hello lowered: it rejects', async () => {
      const { connection, latest, lastState } = setupResumed();
      const big = connection.send('x'.repeat(5_000));
      const bigFrame = latest().sent.at(-1);
      expect(bigFrame).toContain('"$ts":"msg"');
      // The socket is lost before the ack (a network drop, no 1009).
      latest().drop(1006, '');
      vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
      latest().accept();
      // The server (redeployed with a lower limit) says so in its hello.
      latest().receive(
        JSON.stringify({ $ts: 'hello', v: 1, nonce: NONCE, limits: { maxPayload: 1_000 } }),
      );
      latest().receive(resumed(0));
      expect(connection.limits.maxPayload).toBe(1_000);
      // Written again, it would only make the server close this socket with 1009.
      expect(latest().sent).not.toContain(bigFrame);
      await expect(big).rejects.toBeInstanceOf(TooLargeError);
    });

    it("takes the limits of the server's hello: a send over its maxPayload rejects at once", async () => {
      const { connection, latest } = setupOpen({ heartbeat: false });
      latest().receive(
        JSON.stringify({ $ts: 'hello', v: 1, nonce: NONCE, limits: { maxPayload: 100 } }),
      );
      latest().receive(resumed(0));
      expect(connection.limits).toEqual({ maxPayload: 100, maxTopics: 1_024, maxTopicLength: 256 });
      // 60 quotes are 60 characters, and 146 bytes as written: escaped, in their msg frame.
      await expect(connection.send('"'.repeat(60))).rejects.toMatchObject({
        code: 'TS_ERR_TOO_LARGE',
      });
      expect(connection.queued).toBe(0);
      expect(latest().sent.slice(1)).toEqual([]);
    });

    it('rejects the send the server refused with an error frame naming its id, and no other', async () => {
      const { connection, latest } = setupResumed();
      const first = connection.send('a');
      const second = connection.send('b');
      latest().receive('{"$ts":"error","code":"malformed","message":"no","refused":"msg","id":1}');
      await expect(first).rejects.toBeInstanceOf(RefusedError);
      latest().receive('{"$ts":"ack","id":2}');
      await second;
    });

    it('tells the tabs of a refused sub, and does not send it again', () => {
      const { connection, latest, errors } = setupResumed();
      connection.setTopics(['a']);
      latest().receive('{"$ts":"error","code":"too-large","message":"no","refused":"sub"}');
      expect(errors).toEqual([expect.any(TooLargeError)]);
      connection.setTopics(['a']);
      expect(latest().sent.slice(1)).toEqual(['{"$ts":"sub","topics":["a"]}']);
    });

    it('keeps topics over the limits off the wire, and tells the tabs', () => {
      const { connection, latest, errors } = setupResumed({
        limits: { maxTopics: 2, maxTopicLength: 3 },
      });
      connection.setTopics(['toolong', 'c', 'b', 'a']);
      expect(latest().sent.slice(1)).toEqual(['{"$ts":"sub","topics":["a","b"]}']);
      expect(errors).toEqual([expect.any(TooLargeError)]);
    });

    it('keeps the sub frame within maxPayload: the last topics go, and the tabs hear of it', () => {
      const { connection, latest, errors } = setupResumed({ limits: { maxPayload: 100 } });
      // 10 topics of 10 quotes: 20 bytes each escaped, 240 in all with the frame.
      connection.setTopics(Array.from({ length: 10 }, (_, index) => `${index}${'"'.repeat(9)}`));
      const [sub] = latest().sent.slice(1) as [string];
      expect(sub.length).toBeLessThanOrEqual(100);
      expect(JSON.parse(sub).topics.length).toBeGreaterThan(0);
      expect(errors).toEqual([expect.any(TooLargeError)]);
    });

    it('sends a server that never says hello no control frame', () => {
      const { connection, latest } = setupOpen({ heartbeat: false });
      connection.setTopics(['a']);
      vi.advanceTimersByTime(HELLO_WINDOW);
      expect(latest().sent).toEqual([]);
    });
  });
});
