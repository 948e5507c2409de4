import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { WebSocketServer } from 'ws';
import { DEFAULT_LIMITS } from '../protocol/connection-options';
import { InvalidOptionError } from '../protocol/errors';
import type { HeartbeatFrame } from '../protocol/heartbeat-frame';
import {
  duration,
  fail,
  falseOr,
  group,
  HEARTBEAT_FRAMES_SCHEMA,
  integer,
  nonEmptyString,
  resolveGroup,
  type Schema,
  TOPIC_KEY_SCHEMA,
} from '../protocol/option-checks';
import type { UpgradeRateOptions } from './admission';
import { MAX_DEDUPE_WINDOW } from './memory/dedupe-window';
import { MemoryPresenceStore } from './memory/memory-presence-store';
import { MemoryReplayStore } from './memory/memory-replay-store';
import type { FanoutChannel } from './stores/fanout';
import type { PresenceStore } from './stores/presence-store';
import type { ReplayStore } from './stores/replay-store';

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
 * Who an upgrade request is: the user id alone, or with the login (the authentication
 * session: a token's `sid`, a session cookie's id) it was made under.
 *
 * With `login`, a worker's session belongs to the login that began it: a socket of another
 * login, even of the same user, never resumes it and starts a session of its own instead
 * (told `resync` when its worker held pushes of the one it named). So no push of a session reaches a browser's next login, whatever a page
 * reloaded in the instant of the logout brought of it (docs/delivery-limitations.md). A
 * refreshed token of the same login must name the same `login`.
 */
export type Identity = string | { user: string; login: string };

/**
 * Derives who an upgrade request is from it (a token in the query, a cookie, a header).
 * `null` refuses the connection.
 */
export type Authenticate = (request: IncomingMessage) => Identity | null | Promise<Identity | null>;

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
  /**
   * Default `{ ping: 'ping', pong: 'pong' }`, as the client's; `false` passes pings to the app
   * like any frame. The client's `heartbeat` object may be passed as it is.
   */
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
   * Makes `push`, `broadcast` and `publish` reach every server of the app (for one on Redis:
   * `createRedisFanout` of `tabsocket/server/redis`). One fan-out per server. Default: they
   * reach this process's sockets only.
   */
  fanout?: FanoutChannel;
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
  /**
   * Upgrades taken per second, on average and at once; past them an upgrade is closed at
   * once with 1013 and a retry hint telling its worker when to come back, paced at
   * `perSecond`. Default `{ perSecond: 1000, burst: 500 }`; `false` takes every upgrade.
   */
  upgradeRate?: Partial<UpgradeRateOptions> | false;
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
  upgradeRate: UpgradeRateOptions | false;
}

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
/**
 * Why on, and why 1000 a second: an app's own traffic never comes near it (10,000 sessions
 * that each reconnect every ten minutes make 17 upgrades a second), so only a storm meets
 * it: a node restarting, a proxy dropping every socket. Then every upgrade costs the one
 * thread its HTTP parsing, hash, hello, resume (a store read, on Redis a round trip) and
 * replay writes, and a storm taken unpaced delays every other socket's heartbeat answers
 * and pushes for as long as it lasts; a socket whose heartbeat times out joins the storm.
 * 1000 a second brings 10,000 sessions (the default `sessions.maxTotal`) back within ten
 * seconds, and no 100 ms window admits more than the burst and 100 more; `burst`, half a
 * second's worth, lets a small storm (a few hundred sockets behind one proxy) in unpaced.
 * It is a ceiling, not a tuning: in bench/server's storms a node on 2 busy cores attached
 * fewer than 1000 sessions a second anyway, so it cost them no time. A server that measured
 * its own cost sets its own; a fleet behind a proxy that paces upgrades sets `false`.
 */
export const DEFAULT_UPGRADE_RATE: UpgradeRateOptions = { perSecond: 1_000, burst: 500 };
/**
 * Far below ws's 100 MiB: a message socket has no business taking frames that large. The
 * worker's default `limits.maxPayload`, for a server that does not say it.
 */
export const DEFAULT_MAX_PAYLOAD = DEFAULT_LIMITS.maxPayload;

const LIVENESS_SCHEMA: Schema<LivenessOptions> = {
  interval: [DEFAULT_LIVENESS.interval, duration(1)],
  // A deadline past the next sweep would overlap it; the bound keeps one ping in flight.
  timeout: [
    DEFAULT_LIVENESS.timeout,
    (value, option, resolved) => integer(1, resolved?.interval as number)(value, option),
  ],
};

const REPLAY_SCHEMA: Schema<ReplayOptions> = {
  maxCount: [DEFAULT_REPLAY.maxCount, integer(0)],
  maxAge: [DEFAULT_REPLAY.maxAge, duration(1)],
  maxBytes: [DEFAULT_REPLAY.maxBytes, integer(0)],
  dedupeWindow: [DEFAULT_REPLAY.dedupeWindow, integer(1, MAX_DEDUPE_WINDOW)],
};

const UPGRADE_RATE_SCHEMA: Schema<UpgradeRateOptions> = {
  perSecond: [DEFAULT_UPGRADE_RATE.perSecond, integer(1)],
  burst: [DEFAULT_UPGRADE_RATE.burst, integer(1)],
};

const SESSIONS_SCHEMA: Schema<SessionLimits> = {
  maxPerUser: [DEFAULT_SESSIONS.maxPerUser, integer(1)],
  maxTotal: [DEFAULT_SESSIONS.maxTotal, integer(1)],
};

/** The options that are plain data; the target and the stores are taken as they are. */
type DataOptions = Omit<ResolvedServerOptions, 'target' | 'presenceStore' | 'replayStore'>;

const DATA_SCHEMA: Schema<DataOptions> = {
  heartbeat: [{}, falseOr(group(HEARTBEAT_FRAMES_SCHEMA))],
  liveness: [{}, falseOr(group(LIVENESS_SCHEMA))],
  authenticate: [
    undefined,
    (value, option) => {
      if (value !== undefined && typeof value !== 'function') {
        fail(option, 'must be a function', value);
      }
      return value as Authenticate | undefined;
    },
  ],
  topicKey: TOPIC_KEY_SCHEMA,
  hello: [
    true,
    (value, option) => {
      if (typeof value !== 'boolean') fail(option, 'must be a boolean', value);
      return value;
    },
  ],
  replay: [{}, group(REPLAY_SCHEMA)],
  sessions: [{}, group(SESSIONS_SCHEMA)],
  maxBufferedAmount: [DEFAULT_MAX_BUFFERED_AMOUNT, integer(1)],
  maxRefusals: [DEFAULT_MAX_REFUSALS, integer(0)],
  upgradeRate: [{}, falseOr(group(UPGRADE_RATE_SCHEMA))],
};

/**
 * Applies defaults, then checks every value, so a bad option fails here and not mid-traffic.
 * Throws `InvalidOptionError` (`TS_ERR_INVALID_OPTION`), worded as the client's options are.
 * Keys it does not know are left alone, in groups too: `heartbeat` may be the very object
 * given to the client, `interval` and `timeout` included.
 */
export function resolveOptions(options: TabSocketServerOptions): ResolvedServerOptions {
  const data = resolveGroup(DATA_SCHEMA, options, 'options', '');
  return {
    ...data,
    target: resolveTarget(options),
    presenceStore: options.presenceStore ?? new MemoryPresenceStore(),
    replayStore: options.replayStore ?? new MemoryReplayStore(data.replay),
  };
}

function resolveTarget(options: TabSocketServerOptions): ServerTarget {
  const given = (['wss', 'port', 'server'] as const).filter((key) => options[key] !== undefined);
  if (given.length !== 1) {
    throw new InvalidOptionError(
      `tabsocket: exactly one of the options "wss", "port" and "server" must be given (got ${given.length ? given.join(', ') : 'none'})`,
    );
  }
  if (options.host !== undefined && options.port === undefined) {
    fail('host', 'needs "port": it is the interface a server created here listens on');
  }
  if (options.wss !== undefined) {
    for (const option of ['maxPayload', 'path'] as const) {
      if (options[option] !== undefined) {
        fail(
          option,
          'applies to a server created here: set it on the WebSocketServer you pass as "wss"',
        );
      }
    }
    return { kind: 'attach', wss: options.wss };
  }

  const maxPayload = integer(1)(options.maxPayload ?? DEFAULT_MAX_PAYLOAD, 'maxPayload');
  const path = options.path;
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
    fail('path', 'must be a string starting with "/"', path);
  }
  if (options.port !== undefined) {
    const port = integer(0, 65_535)(options.port, 'port');
    const host = nonEmptyString(options.host ?? '127.0.0.1', 'host');
    return { kind: 'port', port, host, path, maxPayload };
  }
  return { kind: 'server', server: options.server as HttpServer, path, maxPayload };
}
