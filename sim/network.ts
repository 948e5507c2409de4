/**
 * The network between the simulated browsers and server processes: a WebSocket is a pair of
 * ends, the browser's (`SocketLike`, as the worker drives it) and the server's (the part of
 * `ws`'s WebSocket the reference server uses). Each direction is a FIFO lane with a latency;
 * a fault may drop the pair (both ends see 1006), blackhole it (every frame, close frames
 * too, vanishes from then on) or leave it half-open (the server end closes, the browser hears
 * nothing). An HTTP stream (worker/socket/http-stream-socket.ts) is a pair too, over the same lanes:
 * its HTTP framing is the unit and e2e tests' concern; here only what the connection sees of
 * it differs (`Transport`).
 */
import { EventEmitter } from 'node:events';
import type { SocketData } from '../protocol/tab-hub';
import type { SocketLike } from '../worker/platform';
import type { Context, Lane, Scheduler } from './scheduler';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** What the network reports to the world's history. */
export interface NetworkObserver {
  socketOpened(pair: SocketPair, side: Side): void;
  socketClosed(pair: SocketPair, side: Side): void;
  browserSent(pair: SocketPair, text: string): void;
  serverSent(pair: SocketPair, text: string): void;
  /** A hub of `browser` posted `data` on a lagging BroadcastChannel (see `ChannelBus`). */
  channelPosted(browser: string, data: unknown): void;
}

/** Where a connection attempt lands: the server process listening now, if any. */
export interface Listener {
  context: Context;
  accept(end: ServerEnd, request: { url: string; headers: Record<string, string> }): void;
}

type PairState = 'healthy' | 'blackholed';

/**
 * `stream`: the browser's `close()` ends it at once, its close event (with the code given)
 * fired before `close()` returns, and the server sees the stream end (1006), as
 * `HttpStreamSocket` does; everything else is a WebSocket's.
 */
export type Transport = 'websocket' | 'stream';

export type Side = 'browser' | 'server';

export class SocketPair {
  readonly id: number;
  state: PairState = 'healthy';
  /** The history's bookkeeping, per end: each is counted open once, and closed once. */
  readonly counted: Record<Side, 'no' | 'open' | 'closed'> = { browser: 'no', server: 'no' };
  readonly browserEnd: BrowserEnd;
  serverEnd: ServerEnd | undefined;
  /** The connection name and browser, for the one-socket check. */
  constructor(
    readonly sim: Scheduler,
    readonly browser: string,
    readonly url: string,
    browserContext: Context,
    readonly observer: NetworkObserver,
    readonly transport: Transport,
  ) {
    this.id = sim.serial();
    this.browserEnd = new BrowserEnd(this, browserContext);
  }

  /**
   * The delay of a frame posted now on `lane`: frames one end writes in the same task travel
   * together (one TCP segment), so they arrive in one burst; others after 1–20 ms.
   */
  latency(lane: Lane): number {
    const burst = this.#bursts.get(lane);
    if (burst?.at === this.sim.now) return burst.delay;
    const delay = 1 + Math.floor(this.sim.random() * 20);
    this.#bursts.set(lane, { at: this.sim.now, delay });
    return delay;
  }

  readonly #bursts = new Map<Lane, { at: number; delay: number }>();

  /** The network cut the connection: both ends see 1006 (a reset), each after a latency. */
  drop(): void {
    if (this.state === 'blackholed') return;
    this.browserEnd.peerGone(1006, '');
    this.serverEnd?.peerGone(1006, '');
  }

  /** From now on every frame vanishes: the server cannot know, so its end counts as gone. */
  blackhole(): void {
    this.state = 'blackholed';
    this.observer.socketClosed(this, 'server');
  }

  /** The server end believes the peer gone; the browser end hears nothing (half-open). */
  halfOpen(): void {
    this.blackhole();
    this.serverEnd?.lost();
  }

  get live(): boolean {
    return this.browserEnd.readyState <= OPEN;
  }
}

/** The worker's WebSocket. */
export class BrowserEnd implements SocketLike {
  readyState = CONNECTING;
  binaryType: BinaryType = 'blob';
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly lane: Lane;

  constructor(
    readonly pair: SocketPair,
    readonly context: Context,
  ) {
    this.lane = pair.sim.lane(`ws${pair.id}<`, () => context);
    // The browser's side dies with its worker: the server sees the connection reset.
    context.onKill(() => {
      if (this.readyState >= CLOSING) return;
      this.readyState = CLOSED;
      this.pair.observer.socketClosed(this.pair, 'browser');
      this.pair.serverEnd?.peerGone(1006, '');
    });
  }

  send(data: SocketData): void {
    if (this.readyState === CONNECTING)
      throw new DOMException('still connecting', 'InvalidStateError');
    if (this.readyState !== OPEN) return;
    const text = typeof data === 'string' ? data : '<binary>';
    this.pair.observer.browserSent(this.pair, text);
    this.pair.serverEnd?.deliver(text);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= CLOSING) return;
    if (this.pair.transport === 'stream') {
      this.#endStream(code ?? 1000, reason ?? '');
      return;
    }
    const wasConnecting = this.readyState === CONNECTING;
    this.readyState = CLOSING;
    this.pair.observer.socketClosed(this.pair, 'browser');
    if (wasConnecting || !this.pair.serverEnd) {
      // Closing a socket still connecting fails it: the browser drops the TCP connection.
      this.pair.serverEnd?.peerGone(1006, '');
      this.#emitClose(1006, '');
      return;
    }
    this.pair.serverEnd.closeFrame(code ?? 1005, reason ?? '');
  }

  /** The stream and its POSTs end now; the server sees the connection reset. */
  #endStream(code: number, reason: string): void {
    this.readyState = CLOSED;
    this.pair.observer.socketClosed(this.pair, 'browser');
    this.pair.serverEnd?.peerGone(1006, '');
    this.#fire(code, reason);
  }

  /** Frames and events from the server end, after the latency; none through a blackhole. */
  fromServer(label: string, run: () => void): void {
    if (this.pair.state === 'blackholed') return;
    this.pair.sim.post(this.lane, label, run, this.pair.latency(this.lane));
  }

  opened(): void {
    this.fromServer('open', () => {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      this.pair.observer.socketOpened(this.pair, 'browser');
      this.onopen?.({ type: 'open' } as Event);
    });
  }

  message(text: string): void {
    this.fromServer('message', () => {
      if (this.readyState === OPEN)
        this.onmessage?.({ type: 'message', data: text } as MessageEvent);
    });
  }

  /** The server's close frame arrived (or the reset): the close event, and our answer. */
  peerGone(code: number, reason: string): void {
    this.fromServer('close', () => {
      if (this.readyState === CLOSED) return;
      const answering = this.readyState === OPEN;
      this.readyState = CLOSED;
      this.pair.observer.socketClosed(this.pair, 'browser');
      if (answering && code !== 1006) this.pair.serverEnd?.closeAnswered(code, reason);
      this.#fire(code, reason);
    });
  }

  /** The server answered our close frame. */
  closeAnswered(code: number, reason: string): void {
    this.fromServer('closed', () => {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      this.#fire(code, reason);
    });
  }

  #emitClose(code: number, reason: string): void {
    this.pair.sim.post(this.lane, 'close', () => {
      this.readyState = CLOSED;
      this.#fire(code, reason);
    });
  }

  #fire(code: number, reason: string): void {
    if (code === 1006) this.onerror?.({ type: 'error' } as Event);
    this.onclose?.({ type: 'close', code, reason, wasClean: code !== 1006 } as CloseEvent);
  }
}

/** The server's `ws` WebSocket, as far as the reference server uses it. */
export class ServerEnd extends EventEmitter {
  readyState = OPEN;
  readonly bufferedAmount = 0;
  readonly lane: Lane;
  #paused = false;
  readonly #held: string[] = [];

  constructor(
    private readonly pair: SocketPair,
    readonly context: Context,
  ) {
    super();
    this.lane = pair.sim.lane(`ws${pair.id}>`, () => context);
    // The server process died: the browser sees the connection reset.
    context.onKill(() => {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      this.pair.observer.socketClosed(this.pair, 'server');
      this.pair.browserEnd.peerGone(1006, '');
    });
  }

  /** From the browser end, after the latency; none through a blackhole. */
  fromBrowser(label: string, run: () => void): void {
    if (this.pair.state === 'blackholed') return;
    this.pair.sim.post(this.lane, label, run, this.pair.latency(this.lane));
  }

  deliver(text: string): void {
    this.fromBrowser('message', () => {
      if (this.readyState !== OPEN) return;
      if (this.#paused) this.#held.push(text);
      else this.emit('message', Buffer.from(text), false);
    });
  }

  send(text: string): void {
    if (this.readyState !== OPEN) return;
    this.pair.observer.serverSent(this.pair, text);
    this.pair.browserEnd.message(text);
  }

  ping(): void {
    if (this.readyState !== OPEN) return;
    // The browser answers pings itself, whatever its page does.
    this.pair.browserEnd.fromServer('ping', () => {
      if (this.pair.browserEnd.readyState === OPEN)
        this.fromBrowser('pong', () => this.emit('pong'));
    });
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    for (const text of this.#held.splice(0)) this.emit('message', Buffer.from(text), false);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState !== OPEN) return;
    this.readyState = CLOSING;
    this.pair.browserEnd.peerGone(code ?? 1005, reason ?? '');
  }

  terminate(): void {
    if (this.readyState === CLOSED) return;
    this.pair.browserEnd.peerGone(1006, '');
    this.lost();
  }

  /** The connection is gone as this end sees it: `close` with 1006, as `ws` emits it. */
  lost(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.pair.sim.post(this.lane, 'terminated', () => this.#closed(1006, ''));
  }

  /** The browser's close frame arrived: we answer it, and the socket is closed. */
  closeFrame(code: number, reason: string): void {
    this.fromBrowser('close', () => {
      if (this.readyState === CLOSED) return;
      const answering = this.readyState === OPEN;
      this.readyState = CLOSED;
      if (answering) this.pair.browserEnd.closeAnswered(code, reason);
      this.#closed(code, reason);
    });
  }

  /** The browser answered our close frame. */
  closeAnswered(code: number, reason: string): void {
    this.fromBrowser('closed', () => {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      this.#closed(code, reason);
    });
  }

  peerGone(code: number, reason: string): void {
    this.fromBrowser('reset', () => {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      this.#closed(code, reason);
    });
  }

  #closed(code: number, reason: string): void {
    this.pair.observer.socketClosed(this.pair, 'server');
    this.emit('close', code, Buffer.from(reason));
  }
}

/**
 * Opens a socket (or a stream) from `context` (a hub of `browser`) to whatever listens now;
 * with none (the server down, the browser offline, the upgrade refused on the way), it
 * closes before it opened.
 */
export function dial(
  sim: Scheduler,
  browser: string,
  context: Context,
  url: string,
  listener: () => Listener | undefined,
  observer: NetworkObserver,
  transport: Transport = 'websocket',
): BrowserEnd {
  const pair = new SocketPair(sim, browser, url, context, observer, transport);
  const end = pair.browserEnd;
  const target = listener();
  if (!target?.context.alive) {
    end.peerGone(1006, '');
    return end;
  }
  const serverEnd = new ServerEnd(pair, target.context);
  pair.serverEnd = serverEnd;
  serverEnd.fromBrowser('upgrade', () => {
    if (end.readyState !== CONNECTING) {
      serverEnd.readyState = CLOSED;
      return;
    }
    // The 101 goes out before the server's first frame.
    end.opened();
    observer.socketOpened(pair, 'server');
    target.accept(serverEnd, { url, headers: { 'x-sim-browser': browser } });
  });
  return end;
}
