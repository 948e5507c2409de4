import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Clock } from '../protocol/clock';
import type { WireLimits } from '../protocol/wire';
import { UpgradeRateLimit } from './admission';
import { CLOSE_SERVICE_RESTART, type DrainOptions, drainSockets, retryHint } from './drain';
import { MemoryReplayStore } from './memory/memory-replay-store';
import { nodeClock } from './node-clock';
import { type ResolvedServerOptions, resolveOptions, type TabSocketServerOptions } from './options';
import { type PushAnswer, PushRouter } from './push-routing';
import { RepeatingTimer } from './repeating-timer';
import type { TabSocketServerEvents, TabSocketServerStats } from './server-events';
import { SessionRegistry, sessionSweepPeriod } from './sessions/session-registry';
import {
  runAuthenticate,
  type SocketIdentity,
  UpgradeAuthentication,
} from './sockets/authentication';
import { ClientRegistry } from './sockets/client-registry';
import {
  CLOSE_TRY_AGAIN_LATER,
  type ClientContext,
  ConnectedClient,
  type TrafficCounters,
} from './sockets/connected-client';
import { encodeControlFrame } from './sockets/control-frame';
import { FrameHandler } from './sockets/frame-handler';
import { HeartbeatAnswers, type HeartbeatGate } from './sockets/heartbeat-answers';
import type { HttpStreamSocket } from './sockets/http-stream-socket';
import { HttpStreams } from './sockets/http-streams';
import { wireLimits } from './sockets/inbound-frame';
import { LivenessMonitor } from './sockets/liveness';
import { Presence } from './sockets/presence';
import type { ServerSocket } from './sockets/server-socket';
import {
  closeWebSocketServer,
  isListening,
  openWebSocketServer,
  type WebSocketSource,
} from './sockets/websocket-server';
import type { FanoutChannel } from './stores/fanout';
import type { PushData } from './stores/push-payload';

export type { TabSocketServerEvents, TabSocketServerStats } from './server-events';

/** What the server takes from its surroundings; tests pass a fake clock. */
export interface ServerEnvironment {
  /** Every timer of the server and every time it records. Default: `nodeClock`. */
  clock: Clock;
}

type ServerState = 'open' | 'closing' | 'closed';

/**
 * A server of one process answers `push` & co. with a count at once; one given a `fanout`
 * answers a promise of the fan-out's number, which the type follows from the options.
 */
export function createTabSocketServer(
  options: TabSocketServerOptions & { fanout: FanoutChannel },
): TabSocketServer<Promise<number | undefined>>;
export function createTabSocketServer(
  options: TabSocketServerOptions & { fanout?: undefined },
): TabSocketServer<number>;
export function createTabSocketServer(options: TabSocketServerOptions): TabSocketServer<PushAnswer>;
export function createTabSocketServer(
  options: TabSocketServerOptions,
): TabSocketServer<PushAnswer> {
  return new TabSocketServer<PushAnswer>(options);
}

/**
 * tabsocket's end of the wire on a `ws` server: answers heartbeats, drops dead peers, tracks
 * presence, routes pushes to users and topics, and refuses control frames it cannot read
 * without letting one client disturb the others.
 *
 * This class wires the parts and owns the server's life: upgrades are authenticated in
 * authentication.ts, frames handled by phase in frame-handler.ts (the resume in
 * resume-handshake.ts), pushes routed in push-routing.ts. Its timers are the session sweep
 * here, liveness's two, and each socket's close deadline, all on the environment's clock;
 * `close()` ends every one, and releases the heartbeat gate with whatever timer it runs.
 */
export class TabSocketServer<
  Answer extends PushAnswer = number,
> extends EventEmitter<TabSocketServerEvents> {
  readonly wss: WebSocketServer;
  readonly presence: Presence;
  readonly #options: ResolvedServerOptions;
  readonly #source: WebSocketSource;
  /** The HTTP streams of workers whose WebSocket is blocked: sockets like the others. */
  readonly #streams: HttpStreams;
  readonly #clients = new ClientRegistry();
  readonly #counters: TrafficCounters = { framesIn: 0, framesOut: 0, malformedFrames: 0 };
  readonly #heartbeat: HeartbeatAnswers;
  readonly #liveness: LivenessMonitor<ConnectedClient> | undefined;
  readonly #sessions: SessionRegistry;
  /** Forgets sessions whose worker did not come back within `replay.maxAge`. */
  readonly #sessionSweep: RepeatingTimer;
  readonly #authentication: UpgradeAuthentication | undefined;
  readonly #frames: FrameHandler;
  /** Told in every `hello`: what this server takes. */
  readonly #limits: Required<WireLimits>;
  readonly #router: PushRouter;
  readonly #clientContext: ClientContext;
  readonly #upgradeRate: UpgradeRateLimit | undefined;
  #state: ServerState = 'open';
  #closed: Promise<void> | undefined;
  /** While a graceful `close()` drains: the close reason of an upgrade that comes meanwhile. */
  #drainReason: string | undefined;

  /** @param environment internal: tests inject a clock here. */
  constructor(
    options: TabSocketServerOptions,
    environment: ServerEnvironment = { clock: nodeClock },
  ) {
    super();
    const { clock } = environment;
    this.#options = resolveOptions(options);
    const { target, heartbeat, liveness, authenticate, replay, sessions, upgradeRate } =
      this.#options;
    this.#upgradeRate = upgradeRate ? new UpgradeRateLimit(upgradeRate, clock) : undefined;
    this.#heartbeat = new HeartbeatAnswers(heartbeat);
    this.presence = new Presence(this.#options.presenceStore, clock);
    // The default store of resolveOptions tells time by the system clock; this one by ours.
    const replayStore = options.replayStore ?? new MemoryReplayStore(replay, clock);
    const registryOptions = { ...replay, ...sessions, anonymous: !authenticate };
    this.#sessions = new SessionRegistry(
      replayStore,
      registryOptions,
      clock,
      this.#reportStoreError,
    );
    this.#sessionSweep = new RepeatingTimer(clock, sessionSweepPeriod(replay.maxAge), () =>
      this.#sessions.sweep(),
    );
    this.#clientContext = {
      clock,
      counters: this.#counters,
      rememberLimits: replay,
      maxBufferedAmount: this.#options.maxBufferedAmount,
      maxRefusals: this.#options.maxRefusals,
      push: (session, payload) => this.#sessions.push(session, payload),
    };
    this.#frames = new FrameHandler({
      counters: this.#counters,
      heartbeat: this.#heartbeat,
      sessions: this.#sessions,
      authenticated: authenticate !== undefined,
      takesMessages: () => this.#serving(),
      emitMessage: (client, data, text) => this.emit('message', client, data, text),
      reportError: this.#reportStoreError,
    });
    this.#router = new PushRouter(
      this.#clients,
      this.#sessions,
      this.#options.topicKey,
      options.fanout,
    );
    this.#authentication = authenticate
      ? new UpgradeAuthentication(authenticate, {
          isOpen: () => this.#state === 'open',
          reportError: (error, request) => this.emit('authenticateError', error, request),
        })
      : undefined;

    const source = openWebSocketServer(
      target,
      this.#authentication?.verifyClient,
      (request, response) => {
        if (!this.handleRequest(request, response)) response.writeHead(404).end();
      },
    );
    this.wss = source.wss;
    // ws fills in its own default (100 MiB) on a server given without `maxPayload`.
    const maxPayload = this.wss.options.maxPayload ?? 100 * 1024 * 1024;
    this.#limits = wireLimits(maxPayload);
    this.#source = source;
    // An attached wss upgrades on its own `path` (null, ws's default: on every path).
    this.#streams = new HttpStreams(
      {
        path: target.kind === 'attach' ? (target.wss.options.path ?? undefined) : target.path,
        maxPayload,
        clock,
      },
      {
        takesStreams: () => this.#serving(),
        authenticate: (request) => authenticate && runAuthenticate(authenticate, request),
        reportError: (error, request) => this.emit('authenticateError', error, request),
        accept: (socket, userId) => this.#openStream(socket, userId),
      },
    );
    if (source.owned) {
      this.wss.on('listening', () => this.emit('listening'));
      this.wss.on('error', (error) => this.emit('error', error));
    }
    this.wss.on('connection', this.#onConnection);
    this.wss.on('close', this.#onWssClose);

    this.#sessionSweep.start();
    if (liveness) {
      this.#liveness = new LivenessMonitor(liveness, () => this.#clients.all(), clock);
      this.#liveness.start();
    }
  }

  /** Resolves once the server takes connections. */
  async listening(): Promise<void> {
    if (this.#state !== 'open') throw new Error('TabSocketServer is closed');
    if (isListening(this.wss)) return;
    await once(this.#source.owned ? this : this.wss, 'listening');
  }

  address(): AddressInfo | string | null {
    return this.wss.address();
  }

  /**
   * Sends to every socket of `userId`, on every server with a `fanout`; answers how many it
   * was written to (with a `fanout`: see `PushAnswer`). A tabsocket worker's session also
   * keeps the push while it has no socket, and gets it on resume.
   */
  push(userId: string, data: PushData): Answer {
    return this.#router.push(userId, data) as Answer;
  }

  broadcast(data: PushData): Answer {
    return this.#router.broadcast(data) as Answer;
  }

  /**
   * Sends to the workers whose tabs subscribe to `topic` (their last `sub` frame named it),
   * also while they are away. A plain client subscribes to nothing: it gets no publish.
   */
  publish(topic: string, data: PushData): Answer {
    return this.#router.publish(topic, data) as Answer;
  }

  /**
   * Answers a request for the HTTP streams of workers whose WebSocket is blocked (a GET of
   * `text/event-stream`, a POST naming a stream) on this server's `path`, and answers true;
   * false when the request is not for that path. A server created on a `port` calls it
   * itself; an app that gives its own HTTP server (`server`, `wss`) calls it from its request
   * handler for the path its sockets use.
   */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean {
    return this.#streams.handle(request, response);
  }

  stats(): TabSocketServerStats {
    return {
      openSockets: this.#clients.size,
      httpStreams: this.#streams.size,
      onlineUsers: this.#clients.users,
      ...this.#counters,
      sessions: this.#sessions.size,
      rememberedFrames: this.#clients.rememberedFrames(),
    };
  }

  /**
   * Lets `gate` decide which heartbeat pings are answered (undefined: all of them, the
   * default), releasing the gate it replaces; `close()` releases the last one. For fault
   * injection: `suspendHeartbeatAnswers(server, ms)` is built on it. Throws once closed.
   */
  setHeartbeatGate(gate: HeartbeatGate | undefined): void {
    if (this.#state !== 'open') throw new Error('TabSocketServer is closed');
    this.#heartbeat.setGate(gate);
  }

  /**
   * Terminates every socket, stops the liveness timers, waits for presence to record the
   * departures, and closes the server if it was created here. Safe to call more than once.
   * With `drain` (a restart, a deploy): closes the sockets with 1012 instead, evenly over
   * `drain.drain` ms, each told to spread its return over `drain.returnWithin` ms; an
   * upgrade that comes meanwhile is told the same (see `drain.ts`).
   */
  close(drain?: DrainOptions): Promise<void> {
    this.#closed ??= this.#shutDown(drain);
    return this.#closed;
  }

  /** Open, or draining: its sockets and streams still go on until they move. */
  #serving(): boolean {
    return this.#state === 'open' || this.#drainReason !== undefined;
  }

  async #shutDown(drain: DrainOptions | undefined): Promise<void> {
    this.#state = 'closing';
    this.#liveness?.stop();
    this.#sessionSweep.stop();
    this.#heartbeat.setGate(undefined);
    this.#authentication?.terminatePending();
    const clients = Array.from(this.#clients.all());
    // Each socket's close event clears its close deadline.
    if (drain) {
      this.#drainReason = JSON.stringify(retryHint(drain));
      await drainSockets(clients, drain, this.#clientContext.clock);
    } else {
      for (const client of clients) client.terminate();
    }
    this.wss.off('connection', this.#onConnection);
    this.wss.off('close', this.#onWssClose);
    await Promise.all(clients.map((client) => client.closed));
    await this.presence.settled();
    this.#sessions.close();
    if (this.#source.owned) await closeWebSocketServer(this.#source);
    this.#state = 'closed';
  }

  readonly #onConnection = (socket: WebSocket, request: IncomingMessage): void => {
    // ws emits 'error' on protocol violations (it closes the socket itself, with 1009 for an
    // oversize frame); an EventEmitter without an 'error' listener would throw and crash us.
    socket.on('error', () => {});
    if (this.#refused(socket)) return;
    const id = randomUUID();
    // Said at once, before an attached server's `authenticate` answers: a worker waits only
    // so long for the first frame before it takes the server for a plain one.
    const nonce = this.#sayHello(socket);
    const authentication = this.#authentication;
    const verified = authentication?.verifiedIdentity(request);
    if (!authentication || verified !== undefined) {
      this.#accept(socket, id, verified ?? { userId: id }, nonce);
      return;
    }
    authentication.authenticateSocket(socket, request, (identity) =>
      this.#accept(socket, id, identity, nonce),
    );
  };

  /** A stream is a socket whose user `authenticate` found already (undefined: anonymous). */
  #openStream(socket: HttpStreamSocket, verified: SocketIdentity | undefined): void {
    if (this.#refused(socket)) return;
    const id = randomUUID();
    this.#accept(socket, id, verified ?? { userId: id }, this.#sayHello(socket));
  }

  /**
   * Closes a new socket or stream the server does not take now, and answers true: while
   * closing (with the drain's retry hint, or at once), or past `upgradeRate` (with its hint).
   */
  #refused(socket: ServerSocket): boolean {
    if (this.#state !== 'open') {
      if (this.#drainReason) socket.close(CLOSE_SERVICE_RESTART, this.#drainReason);
      else socket.terminate();
      return true;
    }
    const refusal = this.#upgradeRate?.take();
    if (!refusal) return false;
    socket.close(CLOSE_TRY_AGAIN_LATER, JSON.stringify(refusal));
    return true;
  }

  /** Sends `hello` when the server speaks the protocol; answers its nonce. */
  #sayHello(socket: ServerSocket): string | undefined {
    if (!this.#options.hello) return undefined;
    const nonce = randomBytes(16).toString('base64url');
    socket.send(encodeControlFrame({ $ts: 'hello', v: 1, nonce, limits: this.#limits }));
    this.#counters.framesOut += 1;
    return nonce;
  }

  /** A store call failed: `storeError` says so, or else a process warning (never a crash). */
  readonly #reportStoreError = (error: unknown): void => {
    if (this.listenerCount('storeError') > 0) {
      this.emit('storeError', error);
      return;
    }
    process.emitWarning(
      error instanceof Error ? error : new Error(String(error)),
      'TabSocketStoreWarning',
    );
  };

  readonly #onWssClose = (): void => {
    // The owner closed an attached server: nothing left to ping (the ws README recipe).
    this.#liveness?.stop();
  };

  #accept(
    socket: ServerSocket,
    id: string,
    { userId, login }: SocketIdentity,
    nonce: string | undefined,
  ): void {
    const client = new ConnectedClient(id, userId, login, socket, this.#clientContext, nonce);
    this.#clients.add(client);
    socket.on('message', (raw, isBinary) => this.#frames.handle(client, raw, isBinary));
    // Only the peer's stack answering a protocol ping proves it reads: a client that sends
    // but never reads must not pass for alive.
    socket.on('pong', () => this.#liveness?.markAlive(client));
    socket.once('close', (code, reason) => this.#handleClose(client, code, reason.toString()));
    void this.presence.join(userId, id);
    this.emit('connection', client);
  }

  #handleClose(client: ConnectedClient, code: number, reason: string): void {
    const { phase } = client;
    if (phase.kind === 'session') this.#sessions.detach(phase.session, client);
    this.#clients.delete(client);
    this.#liveness?.forget(client);
    void this.presence.leave(client.userId, client.id);
    this.emit('disconnection', client, code, reason);
  }
}
