import { backoffDelay } from './backoff';
import { type Clock, Timer } from './clock';
import { ConnectionClosedError } from './errors/connection-closed-error';
import { ConnectionFailedError } from './errors/connection-failed-error';
import { MalformedFrameError } from './errors/malformed-frame-error';
import type { TabSocketError } from './errors/tab-socket-error';
import { Heartbeat } from './heartbeat';
import { parseJson } from './heartbeat-frame';
import {
  decodeText,
  decodeValue,
  type InboundFrame,
  readServerFrame,
  type WirePhase,
} from './inbound-frame';
import type { CloseCodeList, ResolvedOptions } from './options';
import { type OutboundData, Outbox, outboxFull } from './outbox';
import type { ConnectionState, StateDetail, TransitionReason } from './state';
import type { PushFrame, SubscribeFrame } from './wire';
import { WireSession } from './wire-session';

/** The part of the browser's WebSocket the connection uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  binaryType: BinaryType;
  send(data: OutboundData): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export interface Environment {
  clock: Clock;
  /** Uniform in [0, 1), as Math.random. */
  random: () => number;
  createSocket: (url: string, protocols: string[]) => SocketLike;
}

/** Where a connection reports to (the hub, which fans out to the tabs). */
export interface ConnectionListener {
  state(state: ConnectionState, detail: StateDetail): void;
  frame(frame: InboundFrame): void;
  error(error: TabSocketError): void;
  /** Pushes were lost beyond recovery: the tabs should fetch the state afresh. */
  resync(): void;
}

/** How long a new socket listens for `hello` before it takes the server for a plain one. */
export const HELLO_WINDOW = 300;

const CONNECTING = 0;
const OPEN = 1;

type Detail = Omit<StateDetail, 'from'>;

/**
 * One WebSocket endpoint kept alive for every tab: the state machine of `state.ts`.
 *
 * `#state` changes only in `#setState`. Each socket gets the next `#generation`; its
 * handlers do nothing once a newer socket exists, and an abandoned socket also loses its
 * handlers, so no late event of an old socket can touch the current one. Each timer has
 * one owner here and `#abandonSocket` clears them all.
 */
export class Connection {
  #state: ConnectionState = 'idle';
  #generation = 0;
  #socket: SocketLike | undefined;
  #failedAttempts = 0;
  #online = true;
  /** Sends wait while `negotiating` (at most `HELLO_WINDOW` ms) and `resuming`. */
  #wire: WirePhase = 'negotiating';
  /** The current socket's hello nonce: answers to our resume must carry it. */
  #nonce = '';
  /** What this login learnt of the server: later sockets listen for hello accordingly. */
  #serverKind: 'unknown' | 'plain' | 'tabsocket' = 'unknown';
  #session = new WireSession();
  #topics: string[] = [];
  #topicsSent = '[]';
  readonly #connectTimer: Timer;
  /** Waits for `hello` (HELLO_WINDOW), then for the session to be attached (connectTimeout). */
  readonly #negotiationTimer: Timer;
  readonly #retryTimer: Timer;
  readonly #uptimeTimer: Timer;
  readonly #heartbeat: Heartbeat | undefined;
  readonly #outbox: Outbox;

  constructor(
    readonly options: ResolvedOptions,
    private readonly env: Environment,
    private readonly listener: ConnectionListener,
  ) {
    this.#connectTimer = new Timer(env.clock);
    this.#negotiationTimer = new Timer(env.clock);
    this.#retryTimer = new Timer(env.clock);
    this.#uptimeTimer = new Timer(env.clock);
    this.#outbox = new Outbox(options.outboxLimit);
    this.#heartbeat =
      options.heartbeat === false
        ? undefined
        : new Heartbeat(
            options.heartbeat,
            env.clock,
            (ping) => this.#socket?.send(ping),
            () => this.#attemptFailed('heartbeat-timeout'),
          );
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get generation(): number {
    return this.#generation;
  }

  get failedAttempts(): number {
    return this.#failedAttempts;
  }

  /** Messages waiting: queued for the next open, or written and not yet acknowledged. */
  get queued(): number {
    return this.#outbox.size + this.#session.unacked;
  }

  /** Opens the socket; from `closed` or `failed` too (a new login). Does nothing while live. */
  start(): void {
    if (this.#state !== 'idle' && this.#state !== 'closed' && this.#state !== 'failed') return;
    this.#failedAttempts = 0;
    // A new login: nothing of the last one's stream or messages carries over.
    this.#session = new WireSession();
    this.#serverKind = 'unknown';
    if (this.#online) {
      this.#openSocket('start');
    } else {
      this.#setState('offline', { reason: 'offline' });
    }
  }

  /**
   * Writes now when open, else queues in order until the next open. The promise resolves
   * once the message is handed to the socket and rejects if it never will be.
   */
  send(data: OutboundData): Promise<void> {
    switch (this.#state) {
      case 'closed':
        return Promise.reject(new ConnectionClosedError('tabsocket: the connection is closed'));
      case 'failed':
        return Promise.reject(
          new ConnectionFailedError('tabsocket: the connection failed and will not reconnect'),
        );
      case 'open':
        if (this.#wire === 'tabsocket' || this.#wire === 'plain') {
          // Only unacknowledged messages wait while writing: they count toward the limit.
          const full = this.#session.unacked >= this.options.outboxLimit;
          return full ? Promise.reject(outboxFull(this.options.outboxLimit)) : this.#transmit(data);
        }
        return this.#outbox.enqueue(data, this.#session.unacked);
      default:
        return this.#outbox.enqueue(data, this.#session.unacked);
    }
  }

  /**
   * Closes for good: no timer survives and no reconnect follows. Queued messages are
   * rejected. `reason` tells the tabs why: a logout, a new url, or the last tab gone.
   */
  close(code = 1000, closeReason = '', reason: TransitionReason = 'logout'): void {
    if (this.#state === 'closed') return;
    this.#abandonSocket(code, closeReason);
    const error = new ConnectionClosedError(`tabsocket: the connection was closed (${reason})`);
    this.#outbox.rejectAll(error);
    this.#session.rejectAll(error);
    this.#setState('closed', { reason, code, ...(closeReason ? { closeReason } : {}) });
  }

  /** A tab saw the browser go offline or online. */
  setOnline(online: boolean): void {
    this.#online = online;
    const live =
      this.#state === 'connecting' || this.#state === 'open' || this.#state === 'backoff';
    if (!online && live) {
      this.#abandonSocket();
      this.#setState('offline', { reason: 'offline' });
    } else if (online && (this.#state === 'offline' || this.#state === 'backoff')) {
      this.#failedAttempts = 0;
      this.#openSocket('online');
    }
  }

  /** The union of the tabs' topics, told to a server that speaks the tabsocket protocol. */
  setTopics(topics: readonly string[]): void {
    this.#topics = [...topics].sort();
    this.#sendTopics();
  }

  #setState(to: ConnectionState, detail: Detail): void {
    const from = this.#state;
    this.#state = to;
    this.listener.state(to, { from, ...detail });
  }

  #openSocket(reason: TransitionReason): void {
    const generation = ++this.#generation;
    this.#wire = this.#serverKind === 'plain' ? 'plain' : 'negotiating';
    this.#nonce = '';
    this.#topicsSent = '[]';
    let socket: SocketLike;
    try {
      socket = this.env.createSocket(this.options.url, this.options.protocols);
    } catch {
      // The constructor throws for a blocked port or a bad url the browser rejects: that is
      // a failed attempt like any other, with the backoff between tries.
      this.#setState('connecting', { reason });
      this.#attemptFailed('close');
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      if (this.#isCurrent(generation)) this.#opened();
    };
    socket.onmessage = (event) => {
      if (this.#isCurrent(generation)) this.#received(event.data);
    };
    socket.onclose = (event) => {
      if (this.#isCurrent(generation)) this.#closedByPeer(event.code, event.reason);
    };
    this.#socket = socket;
    this.#setState('connecting', { reason });
    this.#connectTimer.start(this.options.connectTimeout, () =>
      this.#attemptFailed('connect-timeout'),
    );
  }

  /** Whether a handler of socket `generation` may act: not once a newer socket exists or it was abandoned. */
  #isCurrent(generation: number): boolean {
    return generation === this.#generation && this.#socket !== undefined;
  }

  #opened(): void {
    this.#connectTimer.clear();
    this.#setState('open', { reason: 'open' });
    this.#uptimeTimer.start(this.options.reconnect.minUptime, () => {
      this.#failedAttempts = 0;
    });
    if (this.#wire === 'plain') {
      this.#linkReady();
    } else {
      // A server that said hello before will say it again: wait as long as a handshake may
      // take, rather than fall back to plain and lose the session's guarantees on a slow start.
      const wait = this.#serverKind === 'tabsocket' ? this.options.connectTimeout : HELLO_WINDOW;
      this.#negotiationTimer.start(wait, () => this.#settlePlain());
    }
  }

  /** Writes in the current socket's way: numbered until acked, or plainly. */
  #transmit(data: OutboundData): Promise<void> {
    if (this.#wire === 'tabsocket' && typeof data === 'string') {
      const { frame, acked } = this.#session.track(data);
      this.#socket?.send(frame);
      return acked;
    }
    this.#socket?.send(data);
    return Promise.resolve();
  }

  /**
   * Negotiation is over: the heartbeat starts (no ping may go before a session is attached:
   * the server would take the socket for a plain client) and what waited is written.
   */
  #linkReady(): void {
    this.#heartbeat?.start();
    this.#outbox.flush((data) => this.#transmit(data));
  }

  /** The server is plain: no hello came. What waited for an ack is written plainly. */
  #settlePlain(): void {
    this.#negotiationTimer.clear();
    this.#wire = 'plain';
    this.#serverKind = 'plain';
    for (const text of this.#session.abandonAcks()) this.#socket?.send(text);
    this.#linkReady();
  }

  #startResume(nonce: string): void {
    this.#serverKind = 'tabsocket';
    this.#wire = 'resuming';
    this.#nonce = nonce;
    this.#negotiationTimer.start(this.options.connectTimeout, () =>
      this.#attemptFailed('connect-timeout'),
    );
    this.#socket?.send(this.#session.resumeFrame(nonce));
  }

  /** The session is attached: resend what was never acked, then the outbox, in order. */
  #resumed(): void {
    this.#negotiationTimer.clear();
    this.#wire = 'tabsocket';
    for (const frame of this.#session.pendingFrames()) this.#socket?.send(frame);
    this.#sendTopics();
    this.#linkReady();
  }

  /**
   * The server will not resume this session (it no longer knows it, or refuses its id).
   * Asking again would be refused again, for ever: a fresh session starts on the next
   * socket, its unacknowledged messages with it, and the tabs refetch what they missed.
   */
  #resumeRefused(): void {
    this.#session = this.#session.renew();
    this.listener.resync();
    this.#attemptFailed('resume-refused');
  }

  #received(data: unknown): void {
    this.#heartbeat?.frameReceived();
    if (typeof data !== 'string') {
      // Binary frames are always the application's; while resuming, the replay brings them.
      if (this.#wire === 'negotiating') this.#settlePlain();
      if (this.#wire !== 'resuming') this.listener.frame({ data });
      return;
    }
    // Parsed at most once; in 'text' format only what may be a control frame or an object pong.
    const parsed =
      this.options.format === 'json' || data.startsWith('{') ? parseJson(data) : undefined;
    if (this.#heartbeat?.isPong(data, parsed)) return;
    const verdict = readServerFrame(parsed, this.#wire, this.#nonce);
    switch (verdict.kind) {
      case 'hello':
        this.#startResume(verdict.nonce);
        return;
      case 'late-hello':
        // The socket stays plain (resuming now could replay pushes it delivered plainly);
        // the next socket of this login listens for hello as long as a handshake may take.
        this.#serverKind = 'tabsocket';
        return;
      case 'resumed':
        this.#resumed();
        return;
      case 'resync':
        this.#session.skipTo(verdict.seq);
        this.listener.resync();
        this.#resumed();
        return;
      case 'resume-refused':
        this.#resumeRefused();
        return;
      case 'push':
        this.#acceptPush(verdict.frame);
        return;
      case 'ack':
        this.#session.ack(verdict.id);
        return;
      case 'app':
        if (this.#wire === 'negotiating') this.#settlePlain();
        this.#deliverText(data, parsed);
        return;
      case 'drop':
        return;
    }
  }

  #acceptPush(frame: PushFrame): void {
    const verdict = this.#session.accept(frame.seq);
    if (verdict === 'duplicate') return;
    if (verdict === 'gap') this.listener.resync();
    if (typeof frame.text === 'string') {
      const parsed = this.options.format === 'json' ? parseJson(frame.text) : undefined;
      this.#deliverText(frame.text, parsed);
    } else {
      this.listener.frame(decodeValue(frame.data, this.options));
    }
  }

  #deliverText(text: string, parsed: unknown): void {
    const { frame, malformed } = decodeText(text, parsed, this.options);
    this.listener.frame(frame);
    if (malformed) {
      this.listener.error(
        new MalformedFrameError(
          `tabsocket: a frame of ${text.length} characters is not JSON; delivered as text`,
        ),
      );
    }
  }

  #sendTopics(): void {
    const topics = JSON.stringify(this.#topics);
    if (this.#state !== 'open' || this.#wire !== 'tabsocket' || topics === this.#topicsSent) {
      return;
    }
    const frame: SubscribeFrame = { $ts: 'sub', topics: this.#topics };
    this.#socket?.send(JSON.stringify(frame));
    this.#topicsSent = topics;
  }

  #closedByPeer(code: number, closeReason: string): void {
    const detail = { code, ...(closeReason ? { closeReason } : {}) };
    if (matchesCloseCode(this.options.reconnect.stopOn, code)) {
      this.#giveUp('stop-code', detail);
    } else {
      this.#attemptFailed('close', detail);
    }
  }

  /** The socket died or never opened: retry after the backoff, or give up. */
  #attemptFailed(reason: TransitionReason, detail: Omit<Detail, 'reason'> = {}): void {
    this.#abandonSocket();
    if (!this.#online) {
      this.#setState('offline', { reason: 'offline', ...detail });
      return;
    }
    this.#failedAttempts += 1;
    const attempt = this.#failedAttempts;
    if (attempt >= this.options.reconnect.maxAttempts) {
      this.#giveUp('max-attempts', { ...detail, attempt });
      return;
    }
    const delay = backoffDelay(attempt, this.options.reconnect, this.env.random);
    this.#setState('backoff', { reason, ...detail, attempt, delay });
    this.#retryTimer.start(delay, () => this.#openSocket('retry'));
  }

  #giveUp(reason: TransitionReason, detail: Omit<Detail, 'reason'>): void {
    this.#abandonSocket();
    const error = new ConnectionFailedError(
      `tabsocket: the connection failed (${reason}) and will not retry`,
    );
    this.#outbox.rejectAll(error);
    this.#session.rejectAll(error);
    this.#setState('failed', { reason, ...detail });
  }

  /**
   * Lets go of the current socket at once, without waiting for its `close` event: on a
   * half-open socket that event may take minutes, and nothing of it matters any more.
   */
  #abandonSocket(code?: number, closeReason?: string): void {
    this.#connectTimer.clear();
    this.#negotiationTimer.clear();
    this.#retryTimer.clear();
    this.#uptimeTimer.clear();
    this.#heartbeat?.stop();
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = undefined;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    if (socket.readyState !== CONNECTING && socket.readyState !== OPEN) return;
    try {
      socket.close(code, closeReason);
    } catch {
      // close() throws only for codes the browser refuses; those were validated in the tab.
    }
  }
}

function matchesCloseCode(list: CloseCodeList, code: number): boolean {
  return list.some((entry) =>
    typeof entry === 'number' ? entry === code : code >= entry[0] && code <= entry[1],
  );
}
