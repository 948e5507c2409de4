/**
 * The fallback policy, through the Connection that follows it: when the HTTP stream is
 * taken, when a WebSocket is probed beside it, and the move back, on fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectionOptions, resolveOptions } from '../../protocol/connection-options';
import { InvalidOptionError } from '../../protocol/errors';
import type { ConnectionState, StateDetail } from '../../protocol/state';
import type { StreamMaker } from '../platform';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { FakeSocket, fakeEnvironment } from '../test-support/fake-socket';
import { Connection } from './connection';
import type { ConnectionEvents } from './connection-events';
import { FINAL_ACKS_WITHIN } from './final-acks';
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
/** The backoff of every attempt (`reconnect.minDelay` = `maxDelay`, no jitter). */
const BACKOFF = 100;

/**
 * `streams` (default true): the environment loads the stream's module (`loadStream`),
 * counted in `loads`; `loadStream` may be replaced to hold the module back or fail it.
 * `freshUrl`: a url function that mints a short-lived token for every attempt (`asked`).
 */
function setup(
  overrides: Omit<ConnectionOptions, 'url'> = {},
  extras: { streams?: boolean; freshUrl?: boolean } = {},
) {
  const fake = fakeEnvironment();
  const makeStream: StreamMaker = (url) => {
    const socket = new FakeSocket(url, [STREAM]);
    fake.sockets.push(socket);
    return socket;
  };
  const loads = { count: 0, next: async (): Promise<StreamMaker> => makeStream };
  if (extras.streams ?? true) {
    fake.env.loadStream = () => {
      loads.count += 1;
      return loads.next();
    };
  }
  let asked = 0;
  if (extras.freshUrl) {
    fake.env.freshUrl = () => {
      asked += 1;
      return Promise.resolve(`ws://127.0.0.1:9/ws?token=${asked}`);
    };
  }
  const states: Array<{ state: ConnectionState; detail: StateDetail }> = [];
  const errors: unknown[] = [];
  const listener: ConnectionEvents = {
    state: ({ state }, detail) => states.push({ state, detail }),
    frame: () => {},
    error: (error) => errors.push(error),
    resync: () => {},
    cursor: () => {},
    builds: () => {},
  };
  const options = resolveOptions({
    url: 'ws://127.0.0.1:9/ws',
    heartbeat: false,
    reconnect: { minDelay: BACKOFF, maxDelay: BACKOFF, jitter: 0 },
    connectTimeout: CONNECT_TIMEOUT,
    probeDelay: PROBE_DELAY,
    ...overrides,
  });
  const connection = new Connection(options, fake.env, listener);
  const kinds = () => fake.sockets.map((socket) => (socket.protocols[0] === STREAM ? 'sse' : 'ws'));
  return { connection, states, errors, kinds, loads, makeStream, asked: () => asked, ...fake };
}

/** The current attempt's socket never opens: closed before open, then the backoff runs out. */
async function refuse(latest: () => FakeSocket): Promise<void> {
  latest().drop(1006);
  await vi.advanceTimersByTimeAsync(BACKOFF);
}

/** Opens the latest socket and resumes the session on it as a reference server does. */
function openAndResume(socket: FakeSocket, seq = 0): void {
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(seq));
}

describe('the transport policy', () => {
  it(`takes the stream after ${FALLBACK_AFTER} WebSocket attempts in a row that never opened`, async () => {
    const { connection, kinds, latest, states } = setup();
    connection.start();
    for (let attempt = 1; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    expect(kinds()).toEqual(['ws', 'ws', 'ws']);
    expect(connection.transport).toBe('websocket');
    await refuse(latest);
    expect(kinds()).toEqual(['ws', 'ws', 'ws', 'sse']);
    expect(latest().url).toBe('ws://127.0.0.1:9/ws');
    latest().accept();
    expect(connection.transport).toBe('sse');
    expect(states.at(-1)).toMatchObject({ state: 'open', detail: { transport: 'sse' } });
  });

  it('counts a handshake that hangs past connectTimeout as never opened', async () => {
    const { connection, kinds } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) {
      await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT + 100);
    }
    expect(kinds().at(-1)).toBe('sse');
  });

  it('keeps to WebSocket when one opens between the failures (a restart, not a block)', async () => {
    const { connection, kinds, latest } = setup();
    connection.start();
    await refuse(latest);
    await refuse(latest);
    latest().accept();
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(100);
    await refuse(latest);
    await refuse(latest);
    expect(kinds()).toEqual(['ws', 'ws', 'ws', 'ws', 'ws', 'ws']);
  });

  it('goes back to WebSocket at once when the stream never opens either (the server is down)', async () => {
    const { connection, kinds, latest } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    await refuse(latest);
    expect(kinds()).toEqual(['ws', 'ws', 'ws', 'sse', 'ws']);
  });

  it('keeps the stream when it drops after it opened, and resumes the session on it', async () => {
    const { connection, kinds, latest } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    openAndResume(latest());
    const session = resumeFrameOf(latest()).session;
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(100);
    expect(kinds().at(-1)).toBe('sse');
    latest().accept();
    latest().receive(HELLO);
    expect(resumeFrameOf(latest())).toMatchObject({ session, held: true });
    expect(connection.state).toBe('open');
  });

  it('probes a WebSocket probeDelay after the stream opened, doubling after each that fails, to 8 times', async () => {
    const { connection, kinds, latest, sockets } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    openAndResume(latest());
    const stream = latest();
    const probeTimes: number[] = [];
    const started = Date.now();
    let seen = sockets.length;
    for (let probe = 0; probe < 5; probe += 1) {
      for (let second = 0; sockets.length === seen; second += 1) {
        if (second > 1_000) throw new Error('no probe within 1000 s');
        await vi.advanceTimersByTimeAsync(1_000);
      }
      seen = sockets.length;
      probeTimes.push(Date.now() - started);
      // Probe failures: a close before open, or a handshake that hangs.
      if (probe % 2 === 0) latest().drop(1006);
      else await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT);
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

  it('moves back to a WebSocket when a probe opens: the probe closed, the session resumed', async () => {
    const { connection, kinds, latest, states } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    openAndResume(latest(), 0);
    const stream = latest();
    const session = resumeFrameOf(stream).session;
    stream.receive(JSON.stringify({ $ts: 'push', seq: 1, text: '"one"' }));
    await vi.advanceTimersByTimeAsync(PROBE_DELAY);
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

  it('stops the probe with the stream: none runs while the stream is down', async () => {
    const { connection, latest, sockets } = setup({
      reconnect: { minDelay: 60_000, maxDelay: 60_000, jitter: 0 },
    });
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) {
      latest().drop(1006);
      await vi.advanceTimersByTimeAsync(60_000);
    }
    openAndResume(latest());
    await vi.advanceTimersByTimeAsync(PROBE_DELAY - 1);
    latest().drop(1006);
    const count = sockets.length;
    await vi.advanceTimersByTimeAsync(59_999);
    expect(sockets).toHaveLength(count);
  });

  it("never takes the stream with transports ['websocket'], nor without one in the environment", async () => {
    for (const { context } of [
      { context: setup({ transports: ['websocket'] }) },
      { context: setup({}, { streams: false }) },
    ]) {
      context.connection.start();
      for (let attempt = 0; attempt < 2 * FALLBACK_AFTER; attempt += 1)
        await refuse(context.latest);
      expect(new Set(context.kinds())).toEqual(new Set(['ws']));
    }
  });

  it("takes the stream only, and never probes, with transports ['sse']", async () => {
    const { connection, kinds, latest } = setup({ transports: ['sse'] });
    connection.start();
    expect(connection.transport).toBe('sse');
    await vi.advanceTimersByTimeAsync(0);
    await refuse(latest);
    latest().accept();
    await vi.advanceTimersByTimeAsync(10 * PROBE_DELAY);
    expect(kinds()).toEqual(['sse', 'sse']);
  });
});

/** A load of the stream's module that the test settles by hand. */
function heldLoad() {
  let settle = { resolve: (_make: StreamMaker) => {}, reject: (_error: Error) => {} };
  const loaded = new Promise<StreamMaker>((resolve, reject) => {
    settle = { resolve, reject };
  });
  return { loaded, ...settle };
}

describe("the stream's module", () => {
  it('is loaded only when the stream is first taken, and once', async () => {
    const { connection, kinds, latest, loads } = setup();
    connection.start();
    // WebSocket works, with a drop or two between: the stream's code is never fetched.
    latest().accept();
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(100);
    await refuse(latest);
    latest().accept();
    expect(connection.state).toBe('open');
    expect(loads.count).toBe(0);

    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(100);
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    expect(loads.count).toBe(1);
    expect(kinds().at(-1)).toBe('sse');
    latest().accept();
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(100);
    // The next stream is made at once, without a load.
    expect(kinds().at(-1)).toBe('sse');
    expect(loads.count).toBe(1);
  });

  it('makes no socket, and leaves no timer, when the attempt ends while the module loads', async () => {
    for (const end of ['logout', 'offline', 'connect-timeout'] as const) {
      const { connection, loads, makeStream, sockets, states } = setup({ transports: ['sse'] });
      const load = heldLoad();
      loads.next = () => load.loaded;
      connection.start();
      expect(loads.count).toBe(1);
      if (end === 'logout') connection.close();
      if (end === 'offline') connection.setOnline(false);
      if (end === 'connect-timeout') await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT);
      const after = states.length;
      const timers = vi.getTimerCount();
      load.resolve(makeStream);
      await vi.advanceTimersByTimeAsync(0);
      expect(sockets, end).toEqual([]);
      expect(states, end).toHaveLength(after);
      if (end !== 'connect-timeout') expect(vi.getTimerCount(), end).toBe(0);
      else expect(vi.getTimerCount(), end).toBe(timers);
    }
  });

  it('counts a module that does not load as a failed attempt at once, and loads it again later', async () => {
    const { connection, kinds, latest, loads, makeStream, states } = setup();
    connection.start();
    for (let attempt = 1; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    const load = heldLoad();
    loads.next = () => load.loaded;
    await refuse(latest);
    expect(connection.transport).toBe('sse');
    load.reject(new TypeError('Failed to fetch dynamically imported module'));
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)).toMatchObject({
      state: 'backoff',
      detail: { reason: 'close', code: 1006 },
    });
    // A stream that never opened: the next attempts are WebSockets, then the stream again.
    await vi.advanceTimersByTimeAsync(100);
    expect(connection.transport).toBe('websocket');
    loads.next = async () => makeStream;
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    expect(loads.count).toBe(2);
    expect(kinds().filter((kind) => kind === 'sse')).toHaveLength(1);
    latest().accept();
    expect(connection.state).toBe('open');
  });
});

describe('the probe', () => {
  it('asks the url function for the url of its probe, as every attempt does (its token may have expired)', async () => {
    const { connection, latest, kinds, asked } = setup({}, { freshUrl: true });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    const stream = latest();
    expect(kinds().at(-1)).toBe('sse');
    openAndResume(stream);
    const askedBefore = asked();
    // Probes that fail for 8 minutes: the stream's token, minted then, is long expired.
    for (let probe = 0; probe < 4; probe += 1) {
      const count = kinds().length;
      while (kinds().length === count) await vi.advanceTimersByTimeAsync(1_000);
      if (probe < 3) latest().drop(1006);
    }
    const probe = latest();
    expect(kinds().at(-1)).toBe('ws');
    // A probe with the stream's url carries its old token: a server that checks tokens
    // refuses every probe (401), and the worker stays on the stream for as long as it holds.
    expect(asked()).toBeGreaterThan(askedBefore);
    expect(probe.url).not.toBe(stream.url);
  });

  it('waits longer before the next probe when the last switch back did not stick', async () => {
    const { connection, latest, kinds, sockets, states } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    openAndResume(latest());
    await vi.advanceTimersByTimeAsync(PROBE_DELAY);
    latest().accept(); // the probe opens: the connection moves to a WebSocket
    expect(states.at(-1)).toMatchObject({ state: 'connecting', detail: { reason: 'transport' } });
    // … whose attempts never open (the probe got through, the attempts do not): back to the stream.
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    expect(kinds().at(-1)).toBe('sse');
    openAndResume(latest());
    const reopened = Date.now();
    const count = sockets.length;
    while (sockets.length === count) await vi.advanceTimersByTimeAsync(1_000);
    // A probe whose switch did not hold is no success: the delay should grow as after a
    // failed probe, not start over at probeDelay, or the app loses its connection (open →
    // connecting → backoff ×3 → open) every probeDelay for as long as the network is so.
    expect(Date.now() - reopened).toBeGreaterThan(PROBE_DELAY);
  });
});

describe('streams that open and die at once (a balancer that is not sticky)', () => {
  it('go back to WebSocket after FALLBACK_AFTER of them, as streams that never opened do', async () => {
    const { connection, latest, kinds } = setup();
    connection.start();
    for (let attempt = 0; attempt < FALLBACK_AFTER; attempt += 1) await refuse(latest);
    expect(kinds().at(-1)).toBe('sse');
    // Each stream opens, and its first POST lands on another server: 404, the stream ends
    // (1006) before it stayed up minUptime. Before, each such stream reset the count and
    // the worker stayed on streams that cannot work for as long as the balancer did so.
    for (let stream = 0; stream < FALLBACK_AFTER; stream += 1) {
      latest().accept();
      latest().receive(HELLO);
      await refuse(latest);
    }
    expect(kinds().at(-1)).toBe('ws');
  });
});

describe("transports: ['sse']", () => {
  it('never makes a WebSocket, even where the environment has no stream (docs: "no attempt, no probe, is a WebSocket")', async () => {
    const { connection, kinds, states, errors } = setup(
      { transports: ['sse'] },
      { streams: false },
    );
    connection.start();
    await vi.advanceTimersByTimeAsync(BACKOFF);
    // Where EventSource is missing, the option was silently replaced by ['websocket']: the
    // WebSocket the app said is blocked was tried forever, and nothing told it why. Now the
    // connection fails at once, saying why.
    expect(kinds()).toEqual([]);
    expect(states.at(-1)).toMatchObject({ state: 'failed', detail: { reason: 'no-transport' } });
    expect(errors).toEqual([expect.any(InvalidOptionError)]);
  });
});

describe('a logout on the stream', () => {
  it('keeps the stream open after `end` until the server closes it: a stream closed at once drops what it did not post yet', async () => {
    const { connection, latest } = setup({ transports: ['sse'] });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    openAndResume(latest());
    connection.close();
    expect(latest().sent.at(-1)).toBe('{"$ts":"end"}');
    expect(latest().closeCalls).toEqual([]);
    // The server read `end`, forgot the session and closed the stream (1000).
    latest().drop(1000, 'Session ended');
    expect(connection.state).toBe('closed');
    expect(vi.getTimerCount()).toBe(0);

    // A server that never answers (an earlier build refuses `end`): the wait for acks ends it.
    const silent = setup({ transports: ['sse'] });
    silent.connection.start();
    await vi.advanceTimersByTimeAsync(0);
    openAndResume(silent.latest());
    silent.connection.close();
    await vi.advanceTimersByTimeAsync(FINAL_ACKS_WITHIN);
    expect(silent.latest().closeCalls).toEqual([{ code: 1000, reason: '' }]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
