/**
 * Review of the transport policy, through the Connection as in transport-policy.test.ts:
 * the probe's url, a switch back that does not stick, and `transports: ['sse']` where the
 * environment has no stream. Fake timers, fake sockets.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectionOptions, resolveOptions } from '../protocol/connection-options';
import { InvalidOptionError } from '../protocol/errors';
import type { ConnectionState, StateDetail } from '../protocol/state';
import { Connection } from './connection';
import type { ConnectionListener } from './environment';
import { HELLO, resumed } from './test-support/connection-harness';
import { FakeSocket, fakeEnvironment } from './test-support/fake-socket';
import { FALLBACK_AFTER } from './transport-policy';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const STREAM = 'sse';
const PROBE_DELAY = 30_000;
const CONNECT_TIMEOUT = 3_000;
const BACKOFF = 100;

function setup(
  overrides: Omit<ConnectionOptions, 'url'> = {},
  extras: { streams?: boolean; freshUrl?: boolean } = {},
) {
  const fake = fakeEnvironment();
  if (extras.streams ?? true) {
    fake.env.loadStream = () =>
      Promise.resolve((url: string) => {
        const socket = new FakeSocket(url, [STREAM]);
        fake.sockets.push(socket);
        return socket;
      });
  }
  let asked = 0;
  if (extras.freshUrl) {
    // A url function that mints a short-lived token for every attempt.
    fake.env.freshUrl = () => {
      asked += 1;
      return Promise.resolve(`ws://127.0.0.1:9/ws?token=${asked}`);
    };
  }
  const states: Array<{ state: ConnectionState; detail: StateDetail }> = [];
  const errors: unknown[] = [];
  const listener: ConnectionListener = {
    state: (state, detail) => states.push({ state, detail }),
    frame: () => {},
    error: (error) => errors.push(error),
    resync: () => {},
    cursor: () => {},
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
  return { connection, states, errors, kinds, asked: () => asked, ...fake };
}

/** The current attempt's socket never opens; the backoff runs out (and a url is asked). */
async function refuse(latest: () => FakeSocket): Promise<void> {
  latest().drop(1006);
  await vi.advanceTimersByTimeAsync(BACKOFF);
}

function openAndResume(socket: FakeSocket): void {
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
}

describe('review: the probe', () => {
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

describe('review: streams that open and die at once (a balancer that is not sticky)', () => {
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

describe("review: transports: ['sse']", () => {
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
