import { vi } from 'vitest';
import { type ConnectionOptions, resolveOptions } from '../../protocol/connection-options';
import type { TabSocketError } from '../../protocol/errors';
import type { ConnectionState, StateDetail } from '../../protocol/state';
import type { SessionCursor, TabFrame } from '../../protocol/tab-hub';
import { SharedConnection } from '../share/shared-connection';
import { Connection } from '../socket/connection';
import type { ConnectionEvents } from '../socket/connection-events';
import { HELLO_WINDOW } from '../socket/wire-link';
import { type FakeSocket, fakeEnvironment } from './fake-socket';

/** The nonce of every fake hello: answers to the resume must carry it. */
export const NONCE = 'n0nce-0123456789abcdef';
export const HELLO = JSON.stringify({ $ts: 'hello', v: 1, nonce: NONCE });

export function resumed(seq: number, nonce = NONCE): string {
  return JSON.stringify({ $ts: 'resumed', nonce, seq });
}

export function resync(seq: number, nonce = NONCE): string {
  return JSON.stringify({ $ts: 'resync', nonce, seq });
}

/** The answer of a server that lost the session: the stream goes on under `session`. */
export function resyncOnto(session: string, seq = 0, nonce = NONCE): string {
  return JSON.stringify({ $ts: 'resync', nonce, seq, session });
}

export function resumeFrameOf(socket: { sent: unknown[] }) {
  return JSON.parse(String(socket.sent[0])) as {
    $ts: string;
    nonce: string;
    session: string;
    last: number;
  };
}

/** A server that accepts `socket`, says hello and resumes the session its resume names. */
export function handshake(socket: FakeSocket, seq = 0) {
  socket.accept();
  socket.receive(HELLO);
  const resume = resumeFrameOf(socket);
  socket.receive(resumed(seq));
  return { socket, resume };
}

export type Overrides = Omit<ConnectionOptions, 'url'>;

export function setup(overrides: Overrides = {}, random = () => 0.5) {
  const fake = fakeEnvironment(random);
  const states: Array<{ state: ConnectionState; detail: StateDetail }> = [];
  const frames: TabFrame[] = [];
  const errors: TabSocketError[] = [];
  const resyncs: number[] = [];
  const cursors: SessionCursor[] = [];
  const seqs: number[] = [];
  const listener: ConnectionEvents = {
    state: ({ state }, detail) => states.push({ state, detail }),
    // The push numbers apart, so that tests of what tabs see compare the frames alone.
    frame: ({ seq, ...frame }) => {
      frames.push(frame);
      if (seq !== undefined) seqs.push(seq);
    },
    error: (error) => errors.push(error),
    resync: () => resyncs.push(frames.length),
    cursor: (cursor) => cursors.push(cursor),
    builds: () => {},
  };
  const options = resolveOptions({
    url: 'ws://127.0.0.1:9/ws',
    heartbeat: { interval: 1_000, timeout: 500 },
    reconnect: { minDelay: 100, maxDelay: 10_000, factor: 2, jitter: 0, minUptime: 2_000 },
    connectTimeout: 3_000,
    ...overrides,
  });
  const connection = new Connection(options, fake.env, listener);
  const lastState = () => states.at(-1);
  return { connection, states, frames, errors, resyncs, cursors, seqs, lastState, ...fake };
}

/**
 * A connection behind the hub's entry (`SharedConnection`, alone in its browser: it owns
 * the socket at once), where the gate of every send (`refuseSend`) stands.
 */
export function setupAtEntry(overrides: Overrides = {}) {
  const fake = fakeEnvironment();
  const options = resolveOptions({
    url: 'ws://127.0.0.1:9/ws',
    heartbeat: { interval: 1_000, timeout: 500 },
    reconnect: { minDelay: 100, maxDelay: 10_000, factor: 2, jitter: 0, minUptime: 2_000 },
    connectTimeout: 3_000,
    ...overrides,
  });
  const env = {
    ...fake.env,
    hubId: 'hub',
    build: 'build',
    locks: undefined,
    openChannel: undefined,
    schedule: (task: () => void) => task(),
    nextLogin: () => 1,
  };
  const tabs = { post: () => {}, postTo: () => {}, deliver: () => {} };
  const connection = new SharedConnection(options, env, tabs);
  return { connection, ...fake };
}

/** Starts the connection and completes its first handshake. */
export function setupOpen(overrides: Overrides = {}) {
  const context = setup(overrides);
  context.connection.start();
  context.latest().accept();
  return context;
}

/** Opens, and lets the hello window pass: a plain server, whose link (and heartbeat) is up. */
export function setupPlain(overrides: Overrides = {}) {
  const context = setupOpen(overrides);
  vi.advanceTimersByTime(HELLO_WINDOW);
  return context;
}

/** Opens, answers hello, and attaches the session as a reference server would. */
export function setupResumed(overrides: Overrides = {}) {
  const context = setupOpen({ heartbeat: false, ...overrides });
  context.latest().receive(HELLO);
  context.latest().receive(resumed(0));
  return context;
}
