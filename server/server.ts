import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type RawData,
  type ServerOptions,
  type VerifyClientCallbackAsync,
  WebSocket,
  WebSocketServer,
} from 'ws';
import {
  encodeHeartbeatFrame,
  type HeartbeatFrame,
  matchesHeartbeatFrame,
  parseJson,
} from '../protocol/heartbeat-frame';
import type { WireErrorCode } from '../protocol/wire';
import { runAuthenticate } from './authentication';
import {
  CLOSE_POLICY_VIOLATION,
  CLOSE_TRY_AGAIN_LATER,
  type ClientContext,
  ConnectedClient,
  type TabSocketClient,
  type TrafficCounters,
} from './connected-client';
import { classifySessionFrame, type ResumeRequest, readResume } from './inbound-frame';
import { LivenessMonitor } from './liveness';
import {
  type Authenticate,
  type ResolvedServerOptions,
  resolveOptions,
  type TabSocketServerOptions,
} from './options';
import {
  encodeControlFrame,
  encodePushData,
  encodePushFrame,
  encodeTopicPayload,
  type PushData,
  pushPayload,
} from './outbound-frame';
import { Presence } from './presence';
import type { PushPayload } from './replay-store';
import { type Fanout, type Session, SessionRegistry } from './session-registry';

export interface TabSocketServerEvents {
  connection: [client: TabSocketClient];
  disconnection: [client: TabSocketClient, code: number, reason: string];
  /**
   * A frame for the app: not a heartbeat, not a control frame. `data` is the JSON value of a
   * text frame (its text when it is not JSON) or the bytes of a binary one, whose `text` is null.
   */
  message: [client: TabSocketClient, data: unknown, text: string | null];
  /** `authenticate` threw or answered a non-string; the upgrade was refused with 500 (or 1011). */
  authenticateError: [error: unknown, request: IncomingMessage];
  /** Only for a server created here; an attached one reports to its owner. */
  listening: [];
  error: [error: Error];
}

export interface TabSocketServerStats {
  openSockets: number;
  /** Users with a socket on this process; `presence.counts()` spans every process of the store. */
  onlineUsers: number;
  framesIn: number;
  framesOut: number;
  /** Control frames refused with an error frame. */
  malformedFrames: number;
  /** Sessions of tabsocket workers, attached or waiting for their worker to resume. */
  sessions: number;
  /** Frames kept for sockets that were sent `hello` and have not spoken yet. */
  rememberedFrames: number;
}

type ServerState = 'open' | 'closing' | 'closed';

/** In the 4401–4499 range the worker reads as "don't retry", like HTTP 401. */
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_INTERNAL_ERROR = 1011;
/** The largest delay setTimeout honours; beyond it Node fires after 1 ms. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

export function createTabSocketServer(options: TabSocketServerOptions): TabSocketServer {
  return new TabSocketServer(options);
}

/**
 * Without `authenticate`, a session id shorter than this is refused: it is the session's only
 * credential (a worker's has 32 hex digits).
 */
const MIN_ANONYMOUS_SESSION_ID = 16;

/**
 * tabsocket's end of the wire on a `ws` server: answers heartbeats, drops dead peers, tracks
 * presence, routes pushes to users and topics, and refuses control frames it cannot read
 * without letting one client disturb the others.
 */
export class TabSocketServer extends EventEmitter<TabSocketServerEvents> {
  readonly wss: WebSocketServer;
  readonly presence: Presence;
  readonly #options: ResolvedServerOptions;
  readonly #ownsWss: boolean;
  /** Undefined when heartbeats are the app's business. */
  readonly #heartbeat: { ping: HeartbeatFrame; pong: string } | undefined;
  readonly #clients = new Set<ConnectedClient>();
  readonly #clientsByUser = new Map<string, Set<ConnectedClient>>();
  /** Sockets of an attached server, paused while `authenticate` runs. */
  readonly #authenticating = new Set<WebSocket>();
  /** User ids found by `verifyClient`, picked up when the same request's socket connects. */
  readonly #authenticated = new WeakMap<IncomingMessage, string>();
  readonly #counters: TrafficCounters = { framesIn: 0, framesOut: 0, malformedFrames: 0 };
  readonly #liveness: LivenessMonitor<ConnectedClient> | undefined;
  readonly #sessions: SessionRegistry;
  readonly #clientContext: ClientContext;
  /** Forgets sessions whose worker did not come back within `replay.maxAge`. */
  readonly #sessionSweep: NodeJS.Timeout;
  #state: ServerState = 'open';
  #closed: Promise<void> | undefined;
  /** Runs while heartbeat answers are suspended (fault injection); its end resumes them. */
  #heartbeatSuspension: NodeJS.Timeout | undefined;

  constructor(options: TabSocketServerOptions) {
    super();
    this.#options = resolveOptions(options);
    const { target, heartbeat, liveness } = this.#options;
    this.#heartbeat = heartbeat
      ? { ping: heartbeat.ping, pong: encodeHeartbeatFrame(heartbeat.pong) }
      : undefined;
    this.presence = new Presence(this.#options.presenceStore);
    const { replay, replayStore, sessions, maxBufferedAmount } = this.#options;
    this.#sessions = new SessionRegistry(replayStore, {
      ...replay,
      ...sessions,
      anonymous: !this.#options.authenticate,
    });
    this.#clientContext = {
      counters: this.#counters,
      rememberLimits: replay,
      maxBufferedAmount,
      push: (session, payload) => this.#sessions.push(session, payload),
    };
    this.#sessionSweep = setInterval(
      () => this.#sessions.sweep(),
      Math.min(Math.max(replay.maxAge / 4, 1_000), 60_000),
    );
    this.#sessionSweep.unref();

    if (target.kind === 'attach') {
      this.wss = target.wss;
      this.#ownsWss = false;
    } else {
      const { kind, path, maxPayload } = target;
      const shared: ServerOptions = { maxPayload, ...(path === undefined ? {} : { path }) };
      const { authenticate } = this.#options;
      if (authenticate) shared.verifyClient = this.#verifyClientWith(authenticate);
      this.wss = new WebSocketServer(
        kind === 'port'
          ? { ...shared, port: target.port, host: target.host }
          : { ...shared, server: target.server },
      );
      this.#ownsWss = true;
      this.wss.on('listening', () => this.emit('listening'));
      this.wss.on('error', (error) => this.emit('error', error));
    }
    this.wss.on('connection', this.#onConnection);
    this.wss.on('close', this.#onWssClose);

    if (liveness) {
      this.#liveness = new LivenessMonitor(liveness, () => this.#clients);
      this.#liveness.start();
    }
  }

  /** Resolves once the server takes connections. */
  async listening(): Promise<void> {
    if (this.#state !== 'open') throw new Error('TabSocketServer is closed');
    if (this.#isListening()) return;
    await once(this.#ownsWss ? this : this.wss, 'listening');
  }

  address(): AddressInfo | string | null {
    return this.wss.address();
  }

  /**
   * Sends to every socket of `userId`; answers how many it was written to. A tabsocket
   * worker's session also keeps the push while it has no socket, and gets it on resume.
   */
  push(userId: string, data: PushData): number {
    assertString('userId', userId);
    const text = encodePushData(data);
    const payload = pushPayload(payloadBody(data, text));
    const fanout = this.#sessions.fanout(userId);
    let written = 0;
    for (const client of this.#clientsByUser.get(userId) ?? []) {
      if (this.#writeApp(client, text, payload, fanout)) written += 1;
    }
    for (const session of this.#sessions.ofUser(userId)) {
      if (this.#sessions.push(session, payload)) written += 1;
    }
    return written;
  }

  broadcast(data: PushData): number {
    const text = encodePushData(data);
    const payload = pushPayload(payloadBody(data, text));
    const fanout = this.#sessions.fanout(undefined);
    let written = 0;
    for (const client of this.#clients) {
      if (this.#writeApp(client, text, payload, fanout)) written += 1;
    }
    for (const session of this.#sessions.all()) {
      if (this.#sessions.push(session, payload)) written += 1;
    }
    return written;
  }

  /**
   * Sends to the workers whose tabs subscribe to `topic` (their last `sub` frame named it),
   * also while they are away. A plain client subscribes to nothing: it gets no publish.
   */
  publish(topic: string, data: PushData): number {
    assertString('topic', topic);
    const payload = pushPayload(encodeTopicPayload(this.#options.topicKey, topic, data));
    let written = 0;
    for (const session of this.#sessions.all()) {
      if (session.topics.has(topic) && this.#sessions.push(session, payload)) written += 1;
    }
    return written;
  }

  stats(): TabSocketServerStats {
    return {
      openSockets: this.#clients.size,
      onlineUsers: this.#clientsByUser.size,
      ...this.#counters,
      sessions: this.#sessions.size,
      rememberedFrames: this.#rememberedFrames(),
    };
  }

  /**
   * Fault injection, for demos and tests of client timeouts: for `ms` milliseconds heartbeat
   * pings are still read and counted but not answered, as by a server that hangs while its
   * sockets stay open. Other frames and pushes are unaffected, and any frame counts as life
   * to the client, so to make its heartbeat expire the app must go quiet too. A later call
   * replaces the earlier one; `0` answers again at once; `close()` ends it.
   */
  suspendHeartbeatAnswers(ms: number): void {
    if (this.#state !== 'open') throw new Error('TabSocketServer is closed');
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_TIMER_DELAY) {
      throw new RangeError(
        `Invalid ms: expected an integer from 0 to ${MAX_TIMER_DELAY}, got ${String(ms)}`,
      );
    }
    this.#clearHeartbeatSuspension();
    if (ms === 0) return;
    this.#heartbeatSuspension = setTimeout(() => {
      this.#heartbeatSuspension = undefined;
    }, ms);
    // Like the liveness timers: a fault being injected must not keep the process up.
    this.#heartbeatSuspension.unref();
  }

  /**
   * Terminates every socket, stops the liveness timers, waits for presence to record the
   * departures, and closes the server if it was created here. Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closed ??= this.#shutDown();
    return this.#closed;
  }

  async #shutDown(): Promise<void> {
    this.#state = 'closing';
    this.#liveness?.stop();
    clearInterval(this.#sessionSweep);
    this.#clearHeartbeatSuspension();
    this.wss.off('connection', this.#onConnection);
    this.wss.off('close', this.#onWssClose);
    for (const socket of this.#authenticating) socket.terminate();
    const clients = Array.from(this.#clients);
    for (const client of clients) client.terminate();
    await Promise.all(clients.map((client) => client.closed));
    await this.presence.settled();
    if (this.#ownsWss) {
      // The callback's error only says it was already closed: the state we want.
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    }
    this.#state = 'closed';
  }

  #clearHeartbeatSuspension(): void {
    clearTimeout(this.#heartbeatSuspension);
    this.#heartbeatSuspension = undefined;
  }

  #isListening(): boolean {
    try {
      return this.wss.address() !== null;
    } catch {
      // A noServer server has no address: its owner hands it upgrades, so it is ready now.
      return true;
    }
  }

  /** Refuses the upgrade itself, so an unknown user gets a plain 401 and never a socket. */
  #verifyClientWith(authenticate: Authenticate): VerifyClientCallbackAsync {
    return ({ req }, done) => {
      if (this.#state !== 'open') {
        done(false, 503, 'Server closing');
        return;
      }
      void runAuthenticate(authenticate, req).then((outcome) => {
        if (outcome.kind === 'accepted') {
          this.#authenticated.set(req, outcome.userId);
          done(true);
        } else if (outcome.kind === 'refused') {
          done(false, 401, 'Unauthorized');
        } else {
          this.emit('authenticateError', outcome.error, req);
          done(false, 500, 'Internal Server Error');
        }
      });
    };
  }

  readonly #onConnection = (socket: WebSocket, request: IncomingMessage): void => {
    // ws emits 'error' on protocol violations (it closes the socket itself, with 1009 for an
    // oversize frame); an EventEmitter without an 'error' listener would throw and crash us.
    socket.on('error', () => {});
    if (this.#state !== 'open') {
      socket.terminate();
      return;
    }
    const id = randomUUID();
    // Said at once, before an attached server's `authenticate` answers: a worker waits only
    // so long for the first frame before it takes the server for a plain one.
    const nonce = this.#options.hello ? randomBytes(16).toString('base64url') : undefined;
    if (nonce !== undefined) {
      socket.send(encodeControlFrame({ $ts: 'hello', v: 1, nonce }));
      this.#counters.framesOut += 1;
    }
    const verifiedUserId = this.#authenticated.get(request);
    const { authenticate } = this.#options;
    if (verifiedUserId !== undefined || !authenticate) {
      this.#accept(socket, id, verifiedUserId ?? id, nonce);
      return;
    }
    this.#authenticateAttached(socket, request, id, nonce, authenticate);
  };

  readonly #onWssClose = (): void => {
    // The owner closed an attached server: nothing left to ping (the ws README recipe).
    this.#liveness?.stop();
  };

  /**
   * An attached server has already completed the handshake, so a refusal can only be a close
   * code. The socket is paused meanwhile, so no frame arrives before we know whose it is.
   */
  #authenticateAttached(
    socket: WebSocket,
    request: IncomingMessage,
    id: string,
    nonce: string | undefined,
    authenticate: Authenticate,
  ): void {
    this.#authenticating.add(socket);
    socket.pause();
    void runAuthenticate(authenticate, request).then((outcome) => {
      this.#authenticating.delete(socket);
      if (this.#state !== 'open' || socket.readyState !== WebSocket.OPEN) {
        socket.terminate();
        return;
      }
      if (outcome.kind === 'accepted') this.#accept(socket, id, outcome.userId, nonce);
      // Reading again, even to refuse: the close handshake needs the peer's answer.
      socket.resume();
      if (outcome.kind === 'refused') {
        socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized');
      } else if (outcome.kind === 'failed') {
        this.emit('authenticateError', outcome.error, request);
        socket.close(CLOSE_INTERNAL_ERROR, 'Internal error');
      }
    });
  }

  #accept(socket: WebSocket, id: string, userId: string, nonce: string | undefined): void {
    const client = new ConnectedClient(id, userId, socket, this.#clientContext, nonce);
    this.#clients.add(client);
    let ofUser = this.#clientsByUser.get(userId);
    if (!ofUser) {
      ofUser = new Set();
      this.#clientsByUser.set(userId, ofUser);
    }
    ofUser.add(client);

    socket.on('message', (raw, isBinary) => this.#handleFrame(client, raw, isBinary));
    // Only the peer's stack answering a protocol ping proves it reads: a client that sends
    // but never reads must not pass for alive.
    socket.on('pong', () => this.#liveness?.markAlive(client));
    socket.once('close', (code, reason) => this.#handleClose(client, code, reason.toString()));

    void this.presence.join(userId, id);
    this.emit('connection', client);
  }

  #handleFrame(client: ConnectedClient, raw: RawData, isBinary: boolean): void {
    this.#counters.framesIn += 1;
    // Closing (refused too often, or its buffer full): nothing more is read into the app.
    if (!client.isOpen) return;
    if (isBinary) {
      // Binary frames are the app's in every phase; before a resume, they make it plain.
      client.settlePlain();
      this.emit('message', client, raw, null);
      return;
    }
    const text = rawDataToText(raw);
    const parsed = parseJson(text);
    const { phase } = client;
    if (phase.kind === 'awaiting') {
      const minLength = this.#options.authenticate ? 1 : MIN_ANONYMOUS_SESSION_ID;
      const resume = readResume(parsed, phase.nonce, minLength);
      if (resume) {
        this.#resume(client, phase.nonce, resume);
        return;
      }
      // A worker answers hello with resume: anything else is a plain client speaking.
      client.settlePlain();
    } else if (phase.kind === 'session') {
      this.#handleSessionFrame(client, phase.session, text, parsed);
      return;
    }
    if (this.#isHeartbeat(text, parsed)) {
      this.#answerHeartbeat(client);
      return;
    }
    // A plain client's frames are the app's, even one that looks like a control frame.
    this.emit('message', client, parsed === undefined ? text : parsed, text);
  }

  /** Where the worker speaks: `sub`, `msg`, the heartbeat; its raw text is the app's. */
  #handleSessionFrame(
    client: ConnectedClient,
    session: Session,
    text: string,
    parsed: unknown,
  ): void {
    const frame = classifySessionFrame(text, parsed);
    switch (frame.kind) {
      case 'subscribe':
        // Each `sub` carries the whole set, so a lost or reordered one cannot leave stale topics.
        client.topics = new Set(frame.frame.topics);
        return;
      case 'message':
        // A numbered message: passed on once, acknowledged every time (a resend lost its ack).
        if (!session.received.seen(frame.id)) this.emit('message', client, frame.data, text);
        client.sendText(encodeControlFrame({ $ts: 'ack', id: frame.id }));
        return;
      case 'refused':
        this.#refuse(client, frame.code, frame.message);
        return;
      case 'app':
        if (this.#isHeartbeat(text, parsed)) this.#answerHeartbeat(client);
        else this.emit('message', client, parsed === undefined ? text : parsed, text);
        return;
    }
  }

  #isHeartbeat(text: string, parsed: unknown): boolean {
    const ping = this.#heartbeat?.ping;
    return ping !== undefined && matchesHeartbeatFrame(ping, text, parsed);
  }

  #answerHeartbeat(client: ConnectedClient): void {
    if (this.#heartbeat && !this.#heartbeatSuspension) client.sendText(this.#heartbeat.pong);
  }

  /**
   * Attaches the socket to its worker's session and replays what the worker missed, or
   * tells it to resync when that is no longer kept. Live pushes are numbered from here on.
   */
  #resume(client: ConnectedClient, nonce: string, request: ResumeRequest): void {
    if (request.kind === 'invalid') {
      // The socket still waits for a resume: the worker may start afresh on it.
      this.#refuse(client, 'invalid-session', request.message, nonce);
      return;
    }
    const outcome = this.#sessions.resume(client, request.session, request.last);
    if (outcome.kind === 'full') {
      this.#refuse(client, 'overloaded', 'Too many sessions on this server', nonce);
      client.shut(CLOSE_TRY_AGAIN_LATER, 'Too many sessions');
      return;
    }
    const { session, created, head, replay } = outcome;
    const remembered = client.attach(session);
    // Written whatever is waiting: the replay limits bound all of it.
    if (!replay || remembered.overflowed) {
      // Frames went out while it resumed that no list holds any more: what it missed is gone.
      client.sendText(encodeControlFrame({ $ts: 'resync', nonce, seq: head }), 'resume');
    } else {
      client.sendText(encodeControlFrame({ $ts: 'resumed', nonce, seq: head }), 'resume');
      for (const entry of replay) {
        client.sendText(encodePushFrame(entry.seq, entry.payload.body), 'resume');
      }
    }
    // The worker dropped what came before its session was attached. The session logged the
    // pushes made to it since it exists (they are in the replay); the rest it gets now.
    for (const frame of remembered.frames) {
      if (created || !frame.fanout || !outcome.logged(frame.fanout)) {
        this.#sessions.push(session, frame.payload, 'resume');
      }
    }
  }

  /** Answers a refused frame with an error frame; past `maxRefusals`, closes with 1008. */
  #refuse(client: ConnectedClient, code: WireErrorCode, message: string, nonce?: string): void {
    this.#counters.malformedFrames += 1;
    if (!client.countRefusal(this.#options.maxRefusals)) {
      client.shut(CLOSE_POLICY_VIOLATION, 'Too many refused frames');
      return;
    }
    client.sendText(
      encodeControlFrame({
        $ts: 'error',
        code,
        message,
        ...(nonce === undefined ? {} : { nonce }),
      }),
    );
  }

  /** An application frame to a socket without a session (a session's go through its log). */
  #writeApp(client: ConnectedClient, text: string, payload: PushPayload, fanout: Fanout): boolean {
    return client.phase.kind !== 'session' && client.writeApp(text, () => payload, fanout);
  }

  #rememberedFrames(): number {
    let count = 0;
    for (const client of this.#clients) count += client.rememberedFrames;
    return count;
  }

  #handleClose(client: ConnectedClient, code: number, reason: string): void {
    const { phase } = client;
    if (phase.kind === 'session') this.#sessions.detach(phase.session, client);
    this.#clients.delete(client);
    const ofUser = this.#clientsByUser.get(client.userId);
    ofUser?.delete(client);
    if (ofUser?.size === 0) this.#clientsByUser.delete(client.userId);
    this.#liveness?.forget(client);
    void this.presence.leave(client.userId, client.id);
    this.emit('disconnection', client, code, reason);
  }
}

/** The payload of a push of `data`, whose text on the wire is `text`: as `encodePayload`. */
function payloadBody(data: PushData, text: string): string {
  return typeof data === 'string' ? `"text":${JSON.stringify(data)}` : `"data":${text}`;
}

function rawDataToText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  // Fragments or an ArrayBuffer, when an attached server's sockets use another binaryType.
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}

function assertString(name: string, value: unknown): void {
  if (typeof value !== 'string') {
    throw new TypeError(`Invalid ${name}: expected a string, got ${typeof value}`);
  }
}
