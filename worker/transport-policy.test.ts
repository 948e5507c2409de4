/**
 * The fallback policy, through the Connection that follows it: when the HTTP stream is
 * taken, when a WebSocket is probed beside it, and the move back, on fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectionOptions, resolveOptions } from '../protocol/connection-options';
import type { ConnectionState, StateDetail } from '../protocol/state';
import { Connection } from './connection';
import type { ConnectionListener } from './environment';
import { HELLO, resumed, resumeFrameOf } from './test-support/connection-harness';
import { FakeSocket, fakeEnvironment } from './test-support/fake-socket';
import { FALLBACK_AFTER } from './transport-policy';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A stream, as the policy sees it: a socket like the others, told apart by its protocol. */
const STREAM = 'sse';
const PROBE_DELAY = 30_000;
const CONNECT_TIMEOUT = 3_000;

function setup(overrides: Omit<ConnectionOptions, 'url'> = {}, withStreams = true) {
  const fake = fakeEnvironment();
  if (withStreams) {
    fake.env.createStream = (url) => {
      const socket = new FakeSocket(url, [STREAM]);
      fake.sockets.push(socket);
      return socket;
    };
  }
  const states: Array<{ state: ConnectionState; detail: StateDetail }> = [];
  const listener: ConnectionListener = {
    state: (state, detail) => states.push({ state, detail }),
    frame: () => {},
    error: () => {},
    resync: () => {},
    cursor: () => {},
  };
  const options = resolveOptions({
    url: 'ws://127.0.0.1:9/ws',
    heartbeat: false,
    reconnect: { minDelay: 100, maxDelay: 100, jitter: 0 },
    connectTimeout: CONNECT_TIMEOUT,
    probeDelay: PROBE_DELAY,
    ...overrides,
  });
  const connection = new Connection(options, fake.env, listener);
  const kinds = () => fake.sockets.map((socket) => (socket.protocols[0] === STREAM ? 'sse' : 'ws'));
  return { connection, states, kinds, ...fake };
}

/** The current attempt's socket never opens: closed before open, then the backoff runs out. */
function refuse(latest: () => FakeSocket): void {
  latest().drop(1006);
  vi.advanceTimersByTime(100);
}

/** Opens the latest socket and resumes the session on it as a reference server does. */
function openAndResume(socket: FakeSocket, seq = 0): void {
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(seq));
}

describe('the transport policy', () => {
  it(`takes the stream after ${FALLBACK_AFTER} WebSocket attempts in a row that never opened`, () => {
    const { connection, kinds, latest, states } = setup();
    connection.start();
    for (let attempt = 1; attempt < FALLBACK_AFTER; attempt += 1) refuse(latest);
    expect(kinds()).toEqual(['ws', 'ws', 'ws']);
    expect(connection.transport).toBe('websocket');
    refuse(latest);
    expect(kinds()).toEqual(['ws', 'ws', 'ws', 'sse']);
    expect(latest().url).toBe('ws://127.0.0.1:9/ws');
    latest().accept();
    expect(connection.transport).toBe('sse');
    expect(states.at(-1)).toMatchObject({ state: 'open', detail: { transport: 'sse' } });
  });

  it('counts a handshake that hangs past connectTimeout as never opened', () => {
    const { connection, kinds } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) {
      vi.advanceTimersByTime(CONNECT_TIMEOUT + 100);
    }
    expect(kinds().at(-1)).toBe('sse');
  });

  it('keeps to WebSocket when one opens between the failures (a restart, not a block)', () => {
    const { connection, kinds, latest } = setup();
    connection.start();
    refuse(latest);
    refuse(latest);
    latest().accept();
    latest().drop(1006);
    vi.advanceTimersByTime(100);
    refuse(latest);
    refuse(latest);
    expect(kinds()).toEqual(['ws', 'ws', 'ws', 'ws', 'ws', 'ws']);
  });

  it('goes back to WebSocket at once when the stream never opens either (the server is down)', () => {
    const { connection, kinds, latest } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) refuse(latest);
    refuse(latest);
    expect(kinds()).toEqual(['ws', 'ws', 'ws', 'sse', 'ws']);
  });

  it('keeps the stream when it drops after it opened, and resumes the session on it', () => {
    const { connection, kinds, latest } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) refuse(latest);
    openAndResume(latest());
    const session = resumeFrameOf(latest()).session;
    latest().drop(1006);
    vi.advanceTimersByTime(100);
    expect(kinds().at(-1)).toBe('sse');
    latest().accept();
    latest().receive(HELLO);
    expect(resumeFrameOf(latest())).toMatchObject({ session, held: true });
    expect(connection.state).toBe('open');
  });

  it('probes a WebSocket probeDelay after the stream opened, doubling after each that fails, to 8 times', () => {
    const { connection, kinds, latest, sockets } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) refuse(latest);
    openAndResume(latest());
    const stream = latest();
    const probeTimes: number[] = [];
    const started = Date.now();
    let seen = sockets.length;
    for (let probe = 0; probe < 5; probe += 1) {
      for (let second = 0; sockets.length === seen; second += 1) {
        if (second > 1_000) throw new Error('no probe within 1000 s');
        vi.advanceTimersByTime(1_000);
      }
      seen = sockets.length;
      probeTimes.push(Date.now() - started);
      // Probe failures: a close before open, or a handshake that hangs.
      if (probe % 2 === 0) latest().drop(1006);
      else vi.advanceTimersByTime(CONNECT_TIMEOUT);
    }
    const gaps = probeTimes.map((time, at) => time - (at === 0 ? 0 : (probeTimes[at - 1] ?? 0)));
    expect(gaps).toEqual([
      PROBE_DELAY,
      2 * PROBE_DELAY,
      4 * PROBE_DELAY + CONNECT_TIMEOUT,
      8 * PROBE_DELAY,
      8 * PROBE_DELAY + CONNECT_TIMEOUT,
    ]);
    expect(kinds().slice(4)).toEqual(['ws', 'ws', 'ws', 'ws', 'ws']);
    expect(connection.state).toBe('open');
    expect(stream.closeCalls).toEqual([]);
  });

  it('moves back to a WebSocket when a probe opens: the probe closed, the session resumed', () => {
    const { connection, kinds, latest, states } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) refuse(latest);
    openAndResume(latest(), 0);
    const stream = latest();
    const session = resumeFrameOf(stream).session;
    stream.receive(JSON.stringify({ $ts: 'push', seq: 1, text: '"one"' }));
    vi.advanceTimersByTime(PROBE_DELAY);
    const probe = latest();
    expect(kinds().at(-1)).toBe('ws');
    probe.accept();
    expect(probe.closeCalls).toHaveLength(1);
    expect(stream.closeCalls).toHaveLength(1);
    expect(states.at(-1)).toMatchObject({ state: 'connecting', detail: { reason: 'transport' } });
    const socket = latest();
    expect(kinds().at(-1)).toBe('ws');
    expect(socket).not.toBe(probe);
    socket.accept();
    socket.receive(HELLO);
    expect(resumeFrameOf(socket)).toMatchObject({ session, last: 1, held: true });
    expect(connection.transport).toBe('websocket');
    expect(states.at(-1)).toMatchObject({ state: 'open', detail: { transport: 'websocket' } });
  });

  it('stops the probe with the stream: none runs while the stream is down', () => {
    const { connection, latest, sockets } = setup({
      reconnect: { minDelay: 60_000, maxDelay: 60_000, jitter: 0 },
    });
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) {
      latest().drop(1006);
      vi.advanceTimersByTime(60_000);
    }
    openAndResume(latest());
    vi.advanceTimersByTime(PROBE_DELAY - 1);
    latest().drop(1006);
    const count = sockets.length;
    vi.advanceTimersByTime(59_999);
    expect(sockets).toHaveLength(count);
  });

  it("never takes the stream with transports ['websocket'], nor without one in the environment", () => {
    for (const { context } of [
      { context: setup({ transports: ['websocket'] }) },
      { context: setup({}, false) },
    ]) {
      context.connection.start();
      for (let attempt = 0; attempt < 2 * FALLBACK_AFTER; attempt += 1) refuse(context.latest);
      expect(new Set(context.kinds())).toEqual(new Set(['ws']));
    }
  });

  it("takes the stream only, and never probes, with transports ['sse']", () => {
    const { connection, kinds, latest } = setup({ transports: ['sse'] });
    connection.start();
    expect(connection.transport).toBe('sse');
    refuse(latest);
    latest().accept();
    vi.advanceTimersByTime(10 * PROBE_DELAY);
    expect(kinds()).toEqual(['sse', 'sse']);
  });
});
