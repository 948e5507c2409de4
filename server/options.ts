import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { WebSocketServer } from 'ws';
import type { HeartbeatFrame } from '../protocol/heartbeat-frame';
import { MAX_DEDUPE_WINDOW } from './dedupe-window';
import { MemoryPresenceStore } from './memory-presence-store';
import { MemoryReplayStore } from './memory-replay-store';
import type { PresenceStore } from './presence-store';
import type { ReplayStore } from './replay-store';

/** The application-level heartbeat: a text frame matching `ping` is answered with `pong`. */
export interface HeartbeatAnswerOptions {
  ping: HeartbeatFrame;
  pong: HeartbeatFrame;
}

/**
 * Protocol-level ping frames that find peers gone without a FIN (power loss, NAT drop):
 * every `interval` ms each socket is pinged, and one that has sent nothing back within
 * `timeout` ms is terminated, so a dead peer is dropped within `interval + timeout`.
 */
export interface LivenessOptions {
  interval: number;
  timeout: number;
}

/**
 * Sessions of workers that speak the tabsocket protocol: pushes are numbered and kept so
 * that a worker that reconnects gets what it missed, and its messages are deduplicated.
 */
export interface ReplayOptions {
  /** Most pushes kept per session. Default 1000. */
  maxCount: number;
  /** Milliseconds a push is kept, and a session without a socket waits for its worker. Default 120000. */
  maxAge: number;
  /**
   * Bytes of push frames kept per session (payload and framing); the oldest go first.
   * A frame sent before a worker resumed counts against the same budget. Default 1 MiB.
   */
  maxBytes: number;
  /**
   * Message ids remembered past the highest contiguous one, per session; a bit each, so at
   * most 8 KiB. Ids further ahead give up the oldest holes. Default 1024, at most 65536.
   */
  dedupeWindow: number;
}

/**
 * How many sessions this server keeps, so that no client, and no user, can make it hold
 * logs without end. Past a limit the oldest session without a socket goes first.
 */
export interface SessionLimits {
  /**
   * Sessions per user (per login of a browser, so a user's browsers and devices). A new one
   * past it replaces the user's longest detached session, or else their oldest attached
   * one, whose socket is dropped. Default 16.
   */
  maxPerUser: number;
  /**
   * Sessions on this server. A new one past it replaces the longest detached session; when
   * every session has a socket it is refused and its socket closed with 1013. Default 10000.
   */
  maxTotal: number;
}

/**
 * Derives the user id from the upgrade request (a token in the query, a cookie, a header).
 * `null` refuses the connection.
 */
export type Authenticate = (request: IncomingMessage) => string | null | Promise<string | null>;

export interface TabSocketServerOptions {
  /** A server to attach to. It stays yours: `close()` detaches but leaves it running. */
  wss?: WebSocketServer;
  /** Creates a server listening on this port (0 picks a free one). */
  port?: number;
  /** With `port`: the interface to listen on. */
  host?: string;
  /** Creates a server that takes upgrades from this HTTP(S) server. */
  server?: HttpServer | HttpsServer;
  /** With `port` or `server`: accept upgrades only on this path. */
  path?: string;
  /** Default `{ ping: 'ping', pong: 'pong' }`; `false` passes pings to the app like any frame. */
  heartbeat?: Partial<HeartbeatAnswerOptions> | false;
  /** Default `{ interval: 30000, timeout: 10000 }`; `false` never pings. */
  liveness?: Partial<LivenessOptions> | false;
  /**
   * Largest frame accepted, in bytes; a larger one closes the socket with 1009.
   * Only for a server created here: an attached one keeps its own `maxPayload`.
   */
  maxPayload?: number;
  /**
   * Default: every socket is its own anonymous user, whose id is the socket id; a worker's
   * session is then found by its random session id alone.
   */
  authenticate?: Authenticate;
  /** The field of a published object that names its topic. Default `'topic'`. */
  topicKey?: string;
  /**
   * Send `{"$ts":"hello","v":1,"nonce":…}` first, so a worker may resume its session. With
   * `false`, every socket is plain: its frames all go to the app, heartbeats aside.
   */
  hello?: boolean;
  /** Where presence lives. Default: in this process's memory. */
  presenceStore?: PresenceStore;
  /** How much of each session's push stream is kept for replay. */
  replay?: Partial<ReplayOptions>;
  /** Where the push streams live. Default: in this process's memory, within `replay`'s limits. */
  replayStore?: ReplayStore;
  /** How many sessions are kept. */
  sessions?: Partial<SessionLimits>;
  /**
   * Bytes a socket may have waiting to be sent. A frame to a socket holding more closes it
   * with 1013 (the worker reconnects and its session replays what its log still holds), and
   * drops it if the close does not complete within a second. The answer to a resume (its
   * replay, within `replay`'s limits) is written whatever is waiting. Default 4 MiB.
   */
  maxBufferedAmount?: number;
  /**
   * Control frames of one socket answered with an error frame; the next refused one closes
   * the socket with 1008 instead. Default 100.
   */
  maxRefusals?: number;
}

/** Where the sockets come from. */
export type ServerTarget =
  | { kind: 'attach'; wss: WebSocketServer }
  | { kind: 'port'; port: number; host: string; path: string | undefined; maxPayload: number }
  | {
      kind: 'server';
      server: HttpServer | HttpsServer;
      path: string | undefined;
      maxPayload: number;
    };

export interface ResolvedServerOptions {
  target: ServerTarget;
  heartbeat: HeartbeatAnswerOptions | false;
  liveness: LivenessOptions | false;
  authenticate: Authenticate | undefined;
  topicKey: string;
  hello: boolean;
  presenceStore: PresenceStore;
  replay: ReplayOptions;
  replayStore: ReplayStore;
  sessions: SessionLimits;
  maxBufferedAmount: number;
  maxRefusals: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatAnswerOptions = { ping: 'ping', pong: 'pong' };
export const DEFAULT_LIVENESS: LivenessOptions = { interval: 30_000, timeout: 10_000 };
export const DEFAULT_REPLAY: ReplayOptions = {
  maxCount: 1_000,
  maxAge: 120_000,
  maxBytes: 1024 * 1024,
  dedupeWindow: 1_024,
};
export const DEFAULT_SESSIONS: SessionLimits = { maxPerUser: 16, maxTotal: 10_000 };
export const DEFAULT_MAX_BUFFERED_AMOUNT = 4 * 1024 * 1024;
export const DEFAULT_MAX_REFUSALS = 100;
/** Far below ws's 100 MiB: a message socket has no business taking frames that large. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** The largest delay setTimeout honours; beyond it Node fires after 1 ms. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** Applies defaults, then checks every value, so a bad option fails here and not mid-traffic. */
export function resolveOptions(options: TabSocketServerOptions): ResolvedServerOptions {
  const heartbeat =
    options.heartbeat === false ? false : { ...DEFAULT_HEARTBEAT, ...options.heartbeat };
  const liveness =
    options.liveness === false ? false : { ...DEFAULT_LIVENESS, ...options.liveness };
  const topicKey = options.topicKey ?? 'topic';
  const hello = options.hello ?? true;
  const replay = { ...DEFAULT_REPLAY, ...options.replay };
  assertInteger('replay.maxCount', replay.maxCount, 0, Number.MAX_SAFE_INTEGER);
  assertInteger('replay.maxAge', replay.maxAge, 1, MAX_TIMER_DELAY);
  assertInteger('replay.maxBytes', replay.maxBytes, 0, Number.MAX_SAFE_INTEGER);
  assertInteger('replay.dedupeWindow', replay.dedupeWindow, 1, MAX_DEDUPE_WINDOW);
  const sessions = { ...DEFAULT_SESSIONS, ...options.sessions };
  assertInteger('sessions.maxPerUser', sessions.maxPerUser, 1, Number.MAX_SAFE_INTEGER);
  assertInteger('sessions.maxTotal', sessions.maxTotal, 1, Number.MAX_SAFE_INTEGER);
  const maxBufferedAmount = options.maxBufferedAmount ?? DEFAULT_MAX_BUFFERED_AMOUNT;
  assertInteger('maxBufferedAmount', maxBufferedAmount, 1, Number.MAX_SAFE_INTEGER);
  const maxRefusals = options.maxRefusals ?? DEFAULT_MAX_REFUSALS;
  assertInteger('maxRefusals', maxRefusals, 0, Number.MAX_SAFE_INTEGER);

  if (heartbeat) {
    assertHeartbeatFrame('heartbeat.ping', heartbeat.ping);
    assertHeartbeatFrame('heartbeat.pong', heartbeat.pong);
  }
  if (liveness) {
    assertInteger('liveness.interval', liveness.interval, 1, MAX_TIMER_DELAY);
    // A deadline past the next sweep would overlap it; the bound keeps one ping in flight.
    assertInteger('liveness.timeout', liveness.timeout, 1, liveness.interval);
  }
  if (options.authenticate !== undefined && typeof options.authenticate !== 'function') {
    throw new TypeError('Invalid authenticate: expected a function');
  }
  if (typeof topicKey !== 'string' || topicKey === '' || topicKey === '$ts') {
    throw new TypeError(`Invalid topicKey: expected a non-empty string other than "$ts"`);
  }
  if (typeof hello !== 'boolean') {
    throw new TypeError('Invalid hello: expected a boolean');
  }

  return {
    target: resolveTarget(options),
    heartbeat,
    liveness,
    authenticate: options.authenticate,
    topicKey,
    hello,
    presenceStore: options.presenceStore ?? new MemoryPresenceStore(),
    replay,
    replayStore: options.replayStore ?? new MemoryReplayStore(replay),
    sessions,
    maxBufferedAmount,
    maxRefusals,
  };
}

function resolveTarget(options: TabSocketServerOptions): ServerTarget {
  const given = (['wss', 'port', 'server'] as const).filter((key) => options[key] !== undefined);
  if (given.length !== 1) {
    throw new TypeError(
      `Exactly one of wss, port or server must be given, got ${given.length ? given.join(', ') : 'none'}`,
    );
  }
  if (options.host !== undefined && options.port === undefined) {
    throw new TypeError('Invalid host: only meaningful with port');
  }
  if (options.wss !== undefined) {
    if (options.maxPayload !== undefined || options.path !== undefined) {
      throw new TypeError(
        'maxPayload and path apply to a server created here; set them on the WebSocketServer you pass as wss',
      );
    }
    return { kind: 'attach', wss: options.wss };
  }

  const maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  assertInteger('maxPayload', maxPayload, 1, Number.MAX_SAFE_INTEGER);
  if (
    options.path !== undefined &&
    (typeof options.path !== 'string' || !options.path.startsWith('/'))
  ) {
    throw new TypeError(
      `Invalid path: expected a string starting with "/", got ${String(options.path)}`,
    );
  }
  if (options.port !== undefined) {
    assertInteger('port', options.port, 0, 65_535);
    const host = options.host ?? '127.0.0.1';
    if (typeof host !== 'string' || host === '') {
      throw new TypeError('Invalid host: expected a non-empty string');
    }
    return { kind: 'port', port: options.port, host, path: options.path, maxPayload };
  }
  return { kind: 'server', server: options.server as HttpServer, path: options.path, maxPayload };
}

function assertInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Invalid ${name}: expected an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
}

function assertHeartbeatFrame(name: string, frame: unknown): void {
  if (typeof frame === 'string') {
    if (frame === '') throw new TypeError(`Invalid ${name}: expected a non-empty string`);
    return;
  }
  const isFlatObject =
    typeof frame === 'object' &&
    frame !== null &&
    !Array.isArray(frame) &&
    Object.keys(frame).length > 0 &&
    Object.values(frame).every(
      (value) => value === null || ['string', 'number', 'boolean'].includes(typeof value),
    );
  if (!isFlatObject) {
    throw new TypeError(
      `Invalid ${name}: expected a non-empty string or a non-empty object of string, number, boolean or null fields`,
    );
  }
}
