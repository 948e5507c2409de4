import { Timer } from '../../protocol/clock';
import {
  matchesCloseCode,
  type ResolvedConnectionOptions,
  type Transport,
} from '../../protocol/connection-options';
import { ConnectionFailedError, type TabSocketError } from '../../protocol/errors';
import type { OwnerStatus } from '../../protocol/relay';
import type { ConnectionState, StateDetail, TransitionReason } from '../../protocol/state';
import type { SessionCursor, SocketData } from '../../protocol/tab-hub';
import type { RetryHint } from '../../protocol/wire';
import type { Environment, SocketLike } from '../platform';
import { admissionDelay, backoffDelay } from './backoff';
import type { ConnectionEvents } from './connection-events';
import { closeSocket, FinalAcks } from './final-acks';
import { Heartbeat } from './heartbeat';
import { isAdmissionClose, readRetryHint } from './retry-hint';
import type { Numbering } from './send-queue';
import { TransportPolicy } from './transport-policy';
import type { Limits } from './wire-limits';
import { WireLink } from './wire-link';

/** The close code of a frame too large for the server (`maxPayload`). */
const CLOSE_TOO_LARGE = 1009;

type Detail = Omit<StateDetail, 'from'>;

/**
 * Where the refresh after a `refreshOn` close stands. The first retries at once with a
 * fresh url; until a socket lasted `minUptime`, each later one backs off as a failed
 * attempt, with a fresh url too (a token "not yet valid" on a server whose clock is behind
 * is taken a moment later). `refused` is the url the server refused last, with its close:
 * a url function that gives it again has no other token to offer.
 */
type Refresh =
  | { kind: 'available' }
  | { kind: 'spent'; refused: string; close: Omit<Detail, 'reason'> & { code: number } };

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
  /** A socket that lasted `minUptime` makes the refresh available again. */
  #refresh: Refresh = { kind: 'available' };
  readonly #connectTimer: Timer;
  readonly #retryTimer: Timer;
  readonly #uptimeTimer: Timer;
  /** Aborts the url function's ask of the current attempt, whose deadline is a timer too. */
  #urlAsk: AbortController | undefined;
  readonly #heartbeat: Heartbeat | undefined;
  /** What the frames mean: negotiation, the session, the messages sent. */
  readonly #link: WireLink;
  /** After a logout: the socket kept for the acks of what was written (see `FinalAcks`). */
  readonly #finalAcks: FinalAcks;
  /** WebSocket, or the HTTP stream where WebSocket is blocked. */
  readonly #transports: TransportPolicy;

  constructor(
    readonly options: ResolvedConnectionOptions,
    private readonly env: Environment,
    private readonly events: ConnectionEvents,
  ) {
    this.#connectTimer = new Timer(env.clock);
    this.#retryTimer = new Timer(env.clock);
    this.#uptimeTimer = new Timer(env.clock);
    this.#finalAcks = new FinalAcks(env.clock);
    this.#transports = new TransportPolicy(options, env, () => this.#switchTransport());
    const heartbeat =
      options.heartbeat === false
        ? undefined
        : new Heartbeat(
            options.heartbeat,
            env.clock,
            (ping) => this.#link.writePing(ping),
            () => this.#attemptFailed('heartbeat-timeout'),
          );
    this.#heartbeat = heartbeat;
    this.#link = new WireLink(
      options,
      env.clock,
      {
        write: (data) => this.#socket?.send(data),
        ready: () => heartbeat?.start(),
        fail: (reason) => this.#attemptFailed(reason),
        isPong: (text, parsed) => heartbeat?.isPong(text, parsed) ?? false,
      },
      events,
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

  /** What the hubs that relay this socket are told of it. */
  get status(): OwnerStatus {
    return {
      state: this.#state,
      generation: this.#generation,
      failedAttempts: this.#failedAttempts,
      transport: this.#transports.current,
    };
  }

  /** Messages waiting: queued for the next open, or written and not yet acknowledged. */
  get queued(): number {
    return this.#link.queued;
  }

  /** The transport of the current (or next) socket. */
  get transport(): Transport {
    return this.#transports.current;
  }

  /** What the server takes, as far as this connection knows (the option, or its hello). */
  get limits(): Limits {
    return this.#link.limits;
  }

  /** Where the session stands, for the hub that may take it over. */
  get cursor(): SessionCursor {
    return this.#link.cursor;
  }

  /**
   * Opens the socket; from `closed` or `failed` too (a new login). Does nothing while live.
   * `resumeFrom` continues a session another hub held, instead of beginning one.
   */
  start(resumeFrom?: SessionCursor, reason: TransitionReason = 'start'): void {
    if (this.#state !== 'idle' && this.#state !== 'closed' && this.#state !== 'failed') return;
    this.#finalAcks.end();
    this.#failedAttempts = 0;
    this.#refresh = { kind: 'available' };
    this.#link.restart(resumeFrom);
    const unavailable = this.#transports.unavailable;
    if (unavailable) {
      // An environment without the transport the options demand: no attempt could succeed.
      this.events.error(unavailable);
      this.#giveUp('no-transport', {});
    } else if (this.#online) {
      this.#openSocket(reason);
    } else {
      this.#setState('offline', { reason: 'offline' });
    }
  }

  /**
   * A tab or hub that comes to the live login tells the cursor it holds: of this session,
   * its message ids up to `nextId` may have been used (the cursor this connection resumed
   * from may be an older one), so new messages are numbered above them; of a newer session,
   * it is resumed instead while no resume went out (`WireLink.learn`).
   */
  learn(cursor: SessionCursor, rejoin = false): void {
    this.#link.learn(cursor, rejoin);
  }

  /** A new login's hub joined with `cursor`: see `WireLink.numberedElsewhere`. */
  numberedElsewhere(cursor: SessionCursor): void {
    this.#link.numberedElsewhere(cursor);
  }

  /** A tab or hub behind the session, its pushes kept no longer: see `WireLink.rewind`. */
  rewind(cursor: SessionCursor): void {
    this.#link.rewind(cursor);
  }

  /** Another hub's logouts ended `sessions`: see `WireLink.leave`. */
  leave(sessions: readonly string[]): void {
    this.#link.leave(sessions);
  }

  /**
   * Writes now when the link is up, else queues in order until it is. The promise resolves
   * once the message is written (or, with a server that speaks the protocol, acknowledged)
   * and rejects if it never will be. Sends come through the hub's gate (`refuseSend`): this
   * takes only what was admitted while the login lived.
   */
  send(data: SocketData, numbering?: Numbering): Promise<void> {
    return this.#link.send(data, numbering);
  }

  /**
   * Closes for good: no reconnect follows. Messages not written are rejected as not
   * delivered. A logout tells a server that speaks the protocol to end the session
   * (`WireLink.end`), and keeps an open socket for the acks of the messages written on it
   * (on the HTTP stream, for the server's close too), at most `FINAL_ACKS_WITHIN` ms: no
   * other timer survives. What was written and is not
   * acknowledged then is rejected as unconfirmed. `reason` tells the tabs why: a logout, a
   * new url, or the last tab gone.
   */
  close(code = 1000, closeReason = '', reason: TransitionReason = 'logout'): void {
    if (this.#state === 'closed') return;
    const awaitsAcks = this.#link.end(reason, this.#transports.current === 'sse');
    const socket = this.#socket;
    if (awaitsAcks && reason === 'logout' && socket) {
      // The socket is the wait's now: abandoning leaves it open.
      this.#socket = undefined;
      this.#abandonSocket();
      this.#finalAcks.wait(socket, code, closeReason, {
        acked: (data) => this.#link.finalFrame(data),
        giveUp: () => this.#link.rejectUnconfirmed(reason),
      });
    } else {
      this.#abandonSocket(code, closeReason);
      this.#link.rejectUnconfirmed(reason);
    }
    this.#setState('closed', { reason, code, ...(closeReason ? { closeReason } : {}) });
  }

  /**
   * The hub lets go of this connection (a new login starts on another, or the hub ends): a
   * logout's wait for acks ends as soon as its socket posted the logout's `end`, or its
   * socket would overlap the next login's for longer.
   */
  dispose(): void {
    this.#finalAcks.release();
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
    this.#link.setTopics(topics);
  }

  #setState(to: ConnectionState, detail: Detail): void {
    const from = this.#state;
    this.#state = to;
    this.events.state(this.status, { from, ...detail });
  }

  #openSocket(reason: TransitionReason, detail: Omit<Detail, 'reason'> = {}): void {
    const generation = ++this.#generation;
    this.#setState('connecting', { reason, ...detail });
    const { freshUrl } = this.env;
    if (!freshUrl) {
      this.#createSocket(generation, this.options.url);
      return;
    }
    // Still connecting on this generation: no close, offline or newer attempt came between.
    const asked = () => generation === this.#generation && this.#state === 'connecting';
    this.#urlAsk = new AbortController();
    freshUrl(this.#urlAsk.signal).then(
      (url) => {
        if (!asked()) return;
        const refresh = this.#refresh;
        if (refresh.kind === 'spent' && refresh.refused === url) {
          // The server refused this very url: trying it again would be refused again.
          this.#closedFor(refresh.close);
          return;
        }
        this.#createSocket(generation, url);
      },
      (error: TabSocketError) => {
        if (!asked()) return;
        this.events.error(error);
        this.#attemptFailed('url-provider');
      },
    );
  }

  #createSocket(generation: number, url: string): void {
    let socket: SocketLike;
    try {
      socket = this.#transports.create(url, this.options.protocols);
    } catch {
      // The constructor throws for a blocked port or a bad url the browser rejects: that is
      // a failed attempt like any other, with the backoff between tries.
      this.#attemptFailed('close');
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      if (this.#isCurrent(generation)) this.#opened();
    };
    socket.onmessage = (event) => {
      if (!this.#isCurrent(generation)) return;
      this.#heartbeat?.frameReceived();
      this.#link.received(event.data);
    };
    socket.onclose = (event) => {
      if (this.#isCurrent(generation)) this.#closedByPeer(event.code, event.reason, url);
    };
    this.#socket = socket;
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
    this.#transports.opened();
    this.#setState('open', { reason: 'open', transport: this.#transports.current });
    this.#uptimeTimer.start(this.options.reconnect.minUptime, () => {
      this.#failedAttempts = 0;
      this.#refresh = { kind: 'available' };
      this.#transports.stayedUp();
    });
    this.#link.opened();
  }

  /** `url`: the url the socket was opened with. */
  #closedByPeer(code: number, closeReason: string, url: string): void {
    // The frame it could not take goes, so that the next socket is not closed for it too.
    if (code === CLOSE_TOO_LARGE) this.#link.refuseLargest();
    const detail = { code, ...(closeReason ? { closeReason } : {}) };
    if (this.env.freshUrl && matchesCloseCode(this.options.reconnect.refreshOn, code)) {
      const first = this.#refresh.kind === 'available';
      this.#refresh = { kind: 'spent', refused: url, close: detail };
      if (first) {
        this.#abandonSocket();
        this.#openSocket('refresh', detail);
      } else {
        this.#attemptFailed('refresh', detail);
      }
      return;
    }
    this.#closedFor(detail);
  }

  /** A close that is no refresh: `stopOn` gives up, any other code is a failed attempt. */
  #closedFor(detail: Omit<Detail, 'reason'> & { code: number }): void {
    const { code } = detail;
    if (matchesCloseCode(this.options.reconnect.stopOn, code)) {
      this.#giveUp('stop-code', detail);
    } else if (isAdmissionClose(code)) {
      // The server asked for time (a drain, a handshake rate limit): all its workers
      // retrying at once is the storm it is avoiding, so wait as its hint says.
      this.#attemptFailed('close', detail, { hint: readRetryHint(detail.closeReason ?? '') });
    } else {
      this.#attemptFailed('close', detail);
    }
  }

  /**
   * The socket died or never opened: retry after the backoff, or give up. `admission`: the
   * server closed with 1012 or 1013, and the delay honours its hint (`admissionDelay`).
   */
  #attemptFailed(
    reason: TransitionReason,
    detail: Omit<Detail, 'reason'> = {},
    admission?: { hint: RetryHint | undefined },
  ): void {
    if (this.#socket) this.#transports.failed(this.#state === 'connecting');
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
    const { reconnect } = this.options;
    const delay = admission
      ? admissionDelay(attempt, reconnect, admission.hint, this.env.random)
      : backoffDelay(attempt, reconnect, this.env.random);
    this.#setState('backoff', { reason, ...detail, attempt, delay });
    this.#retryTimer.start(delay, () => this.#openSocket('retry'));
  }

  /** A WebSocket probe opened beside the stream: the next socket is a WebSocket. */
  #switchTransport(): void {
    if (this.#state !== 'open') return;
    this.#abandonSocket();
    this.#openSocket('transport');
  }

  #giveUp(reason: TransitionReason, detail: Omit<Detail, 'reason'>): void {
    this.#abandonSocket();
    const error = new ConnectionFailedError(
      `tabsocket: the connection failed (${reason}) and will not retry`,
    );
    this.#link.rejectAll(error);
    this.#setState('failed', { reason, ...detail });
  }

  /**
   * Lets go of the current socket at once, without waiting for its `close` event: on a
   * half-open socket that event may take minutes, and nothing of it matters any more.
   */
  #abandonSocket(code?: number, closeReason?: string): void {
    this.#connectTimer.clear();
    this.#urlAsk?.abort();
    this.#urlAsk = undefined;
    this.#link.down();
    this.#retryTimer.clear();
    this.#uptimeTimer.clear();
    this.#heartbeat?.stop();
    this.#transports.stopProbe();
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = undefined;
    closeSocket(socket, code, closeReason);
  }
}
