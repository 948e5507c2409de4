import { Timer } from '../protocol/clock';
import type { ResolvedConnectionOptions, Transport } from '../protocol/connection-options';
import type { Environment, SocketLike, StreamMaker } from './environment';
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
 *   stream ── a stream that never opened, or FALLBACK_AFTER in a row after one did ──> websocket
 *
 * A stream that never opened proves nothing about WebSocket (the server is down, or serves no
 * stream), so the attempts go back to WebSocket at once. `refused` counts the attempts in a
 * row that never opened; `probes` the probes that failed since the stream was taken.
 */
type Mode =
  | { kind: 'websocket'; refused: number }
  | { kind: 'stream'; refused: number; opened: boolean; probes: number };

/**
 * The connection's choice of transport, and its probe: while the stream is open, a
 * WebSocket is tried beside it `probeDelay` ms after it opened (doubling after each probe
 * that does not open, up to `MAX_PROBE_FACTOR` times); one that opens is closed at once
 * and the connection moves to a WebSocket, resuming its session. The probe's timer and
 * socket are its own; `stopProbe` ends both.
 */
export class TransportPolicy {
  #mode: Mode;
  /** The url of the current attempt, which a probe tries. */
  #url = '';
  #probe: SocketLike | undefined;
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
    this.#allowed = env.loadStream ? options.transports : ['websocket'];
    this.#mode = this.#allowed[0] === 'sse' ? streamMode() : { kind: 'websocket', refused: 0 };
    this.#probeTimer = new Timer(env.clock);
  }

  /** The transport of the current (or next) attempt. */
  get current(): Transport {
    return this.#mode.kind === 'stream' ? 'sse' : 'websocket';
  }

  /** The socket of an attempt on `url`, over the current transport. */
  create(url: string, protocols: string[]): SocketLike {
    this.#url = url;
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
    mode.refused = 0;
    if (mode.kind !== 'stream') return;
    mode.opened = true;
    if (this.#allowed.includes('websocket')) this.#scheduleProbe(mode.probes);
  }

  /** The attempt failed before it opened. */
  failedBeforeOpen(): void {
    const mode = this.#mode;
    mode.refused += 1;
    if (mode.kind === 'websocket') {
      if (mode.refused >= FALLBACK_AFTER && this.#allowed.includes('sse')) {
        this.#mode = streamMode();
      }
    } else if (
      this.#allowed.includes('websocket') &&
      (!mode.opened || mode.refused >= FALLBACK_AFTER)
    ) {
      this.#mode = { kind: 'websocket', refused: 0 };
    }
  }

  /** The attempt is over (failed, switched or closed): no probe runs beside it. */
  stopProbe(): void {
    this.#probeTimer.clear();
    const probe = this.#probe;
    this.#probe = undefined;
    if (probe) closeSocket(probe);
  }

  #scheduleProbe(failed: number): void {
    const delay = this.#options.probeDelay * Math.min(2 ** failed, MAX_PROBE_FACTOR);
    this.#probeTimer.start(delay, () => this.#startProbe());
  }

  #startProbe(): void {
    let probe: SocketLike;
    try {
      probe = this.#env.createSocket(this.#url, this.#options.protocols);
    } catch {
      this.#probeFailed();
      return;
    }
    this.#probe = probe;
    probe.onopen = () => {
      this.stopProbe();
      this.#mode = { kind: 'websocket', refused: 0 };
      this.#switchToWebSocket();
    };
    probe.onclose = () => this.#probeFailed();
    this.#probeTimer.start(this.#options.connectTimeout, () => this.#probeFailed());
  }

  #probeFailed(): void {
    this.stopProbe();
    const mode = this.#mode;
    if (mode.kind !== 'stream') return;
    mode.probes += 1;
    this.#scheduleProbe(mode.probes);
  }
}

function streamMode(): Mode {
  return { kind: 'stream', refused: 0, opened: false, probes: 0 };
}
