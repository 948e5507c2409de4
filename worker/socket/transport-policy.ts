import { Timer } from '../../protocol/clock';
import type { ResolvedConnectionOptions, Transport } from '../../protocol/connection-options';
import { InvalidOptionError } from '../../protocol/errors';
import type { Environment, SocketLike, StreamMaker } from '../platform';
import { closeSocket } from './final-acks';
import { LoadingSocket } from './loading-socket';

/**
 * WebSocket attempts in a row that never opened before the stream is tried. A blocked
 * upgrade fails the same way every time, within the first backoff delays (about 3.5 s on
 * average with the default reconnect), so the app is live again within seconds; one or two
 * such failures are what a server restart or a deploy looks like, and cost nothing.
 */
export const FALLBACK_AFTER = 3;
/** A probe's delay grows to this many times `probeDelay`. */
const MAX_PROBE_FACTOR = 8;

/**
 * Which transport the next attempt takes:
 *
 *   websocket ── FALLBACK_AFTER attempts in a row that never opened ──> stream
 *   stream ── a WebSocket probe opened (the connection switches now) ──> websocket
 *   stream ── a stream that never opened, or FALLBACK_AFTER in a row after one did
 *             that failed before staying up `minUptime` ──> websocket
 *
 * A stream that never opened proves nothing about WebSocket (the server is down, or serves no
 * stream), so the attempts go back to WebSocket at once. One that opens and dies at once (its
 * POSTs reach another server than its GET: a balancer that is not sticky) is no better than
 * one that never opened, so on the stream `refused` counts, until one stays up `minUptime`,
 * every attempt that failed; on a WebSocket, those that never opened.
 */
type Mode =
  | { kind: 'websocket'; refused: number }
  | { kind: 'stream'; refused: number; opened: boolean };

/** The probe: none now, its url being asked of the `url` function, or its socket. */
type Probe =
  | { kind: 'none' }
  | { kind: 'asking'; ask: AbortController }
  | { kind: 'connecting'; socket: SocketLike };

/**
 * The connection's choice of transport, and its probe: while the stream is open, a
 * WebSocket is tried beside it `probeDelay` ms after it opened (doubling after each probe
 * that does not open, up to `MAX_PROBE_FACTOR` times); one that opens is closed at once
 * and the connection moves to a WebSocket, resuming its session. A probe's url is asked of
 * the `url` function, as an attempt's is (a token in the stream's url may have expired). The
 * probe's timer, ask and socket are its own; `stopProbe` ends them.
 */
export class TransportPolicy {
  #mode: Mode;
  /**
   * Probes that failed, or whose switch to a WebSocket did not stay up `minUptime`, since a
   * WebSocket last did: a switch back that does not stick is a failed probe, or the
   * connection would flap every `probeDelay`.
   */
  #probesFailed = 0;
  #probe: Probe = { kind: 'none' };
  /** The stream's sockets' maker, once its module loaded: later attempts need no load. */
  #makeStream: StreamMaker | undefined;
  /** Until the next probe, or until the probe's handshake is given up. */
  readonly #probeTimer: Timer;
  readonly #allowed: readonly Transport[];
  readonly #options: ResolvedConnectionOptions;
  readonly #env: Environment;
  readonly #switchToWebSocket: () => void;

  constructor(options: ResolvedConnectionOptions, env: Environment, switchToWebSocket: () => void) {
    this.#options = options;
    this.#env = env;
    this.#switchToWebSocket = switchToWebSocket;
    // Without the browser's EventSource (a test's or a simulation's environment), no stream.
    this.#allowed = env.loadStream
      ? options.transports
      : options.transports.filter((transport) => transport !== 'sse');
    this.#mode = this.#allowed[0] === 'sse' ? streamMode() : { kind: 'websocket', refused: 0 };
    this.#probeTimer = new Timer(env.clock);
  }

  /** The transport of the current (or next) attempt. */
  get current(): Transport {
    return this.#mode.kind === 'stream' ? 'sse' : 'websocket';
  }

  /**
   * Why no attempt can be made here: `transports: ['sse']` where the environment has no
   * stream (no `EventSource` or `fetch`). Undefined when an attempt can be made.
   */
  get unavailable(): InvalidOptionError | undefined {
    return this.#allowed.length > 0
      ? undefined
      : new InvalidOptionError(
          "tabsocket: transports ['sse'] needs EventSource and fetch, which this environment lacks",
        );
  }

  /** The socket of an attempt on `url`, over the current transport. */
  create(url: string, protocols: string[]): SocketLike {
    const { loadStream } = this.#env;
    if (this.#mode.kind !== 'stream' || !loadStream) return this.#env.createSocket(url, protocols);
    if (this.#makeStream) return this.#makeStream(url);
    const loaded = loadStream().then((make) => {
      this.#makeStream = make;
      return make;
    });
    return new LoadingSocket(url, loaded);
  }

  /** The attempt opened: on the stream, a probe is due. */
  opened(): void {
    const mode = this.#mode;
    if (mode.kind !== 'stream') {
      mode.refused = 0;
      return;
    }
    mode.opened = true;
    if (this.#allowed.includes('websocket')) this.#scheduleProbe();
  }

  /** The attempt stayed up `minUptime`: on a WebSocket, the probes start over. */
  stayedUp(): void {
    this.#mode.refused = 0;
    if (this.#mode.kind === 'websocket') this.#probesFailed = 0;
  }

  /** The attempt failed: before it opened (`beforeOpen`), or after. */
  failed(beforeOpen: boolean): void {
    const mode = this.#mode;
    if (mode.kind === 'websocket') {
      if (!beforeOpen) return;
      mode.refused += 1;
      if (mode.refused >= FALLBACK_AFTER && this.#allowed.includes('sse')) {
        this.#mode = streamMode();
      }
      return;
    }
    mode.refused += 1;
    if (this.#allowed.includes('websocket') && (!mode.opened || mode.refused >= FALLBACK_AFTER)) {
      this.#mode = { kind: 'websocket', refused: 0 };
    }
  }

  /** The attempt is over (failed, switched or closed): no probe runs beside it. */
  stopProbe(): void {
    this.#probeTimer.clear();
    const probe = this.#probe;
    this.#probe = { kind: 'none' };
    if (probe.kind === 'asking') probe.ask.abort();
    if (probe.kind === 'connecting') closeSocket(probe.socket);
  }

  #scheduleProbe(): void {
    const factor = Math.min(2 ** this.#probesFailed, MAX_PROBE_FACTOR);
    this.#probeTimer.start(this.#options.probeDelay * factor, () => this.#startProbe());
  }

  #startProbe(): void {
    const { freshUrl } = this.#env;
    if (!freshUrl) {
      this.#openProbe(this.#options.url);
      return;
    }
    const ask = new AbortController();
    this.#probe = { kind: 'asking', ask };
    const current = () => this.#probe.kind === 'asking' && this.#probe.ask === ask;
    freshUrl(ask.signal).then(
      (url) => {
        if (current()) this.#openProbe(url);
      },
      () => {
        if (current()) this.#probeFailed();
      },
    );
  }

  #openProbe(url: string): void {
    let socket: SocketLike;
    try {
      socket = this.#env.createSocket(url, this.#options.protocols);
    } catch {
      this.#probeFailed();
      return;
    }
    this.#probe = { kind: 'connecting', socket };
    socket.onopen = () => {
      this.stopProbe();
      // Counted as failed until the WebSocket stays up `minUptime` (`stayedUp`).
      this.#probesFailed += 1;
      this.#mode = { kind: 'websocket', refused: 0 };
      this.#switchToWebSocket();
    };
    socket.onclose = () => this.#probeFailed();
    this.#probeTimer.start(this.#options.connectTimeout, () => this.#probeFailed());
  }

  #probeFailed(): void {
    this.stopProbe();
    if (this.#mode.kind !== 'stream') return;
    this.#probesFailed += 1;
    this.#scheduleProbe();
  }
}

function streamMode(): Mode {
  return { kind: 'stream', refused: 0, opened: false };
}
