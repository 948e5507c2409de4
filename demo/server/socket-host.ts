import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Authenticate,
  createTabSocketServer,
  type OfflineEntry,
  type OnlineEntry,
  type PresenceEntry,
  type PresenceStore,
  type PushAnswer,
  suspendHeartbeatAnswers,
  type TabSocketClient,
  type TabSocketServer,
  type TabSocketServerStats,
} from 'tabsocket/server';
import type { RedisBackend } from './redis-backend';

export interface SocketHostOptions {
  http: Server;
  path: string;
  authenticate: Authenticate;
  /** Outlives each socket server, so "last seen" survives a restart, as Redis would. */
  presenceStore: PresenceStore;
  /** How long a restart leaves no socket server up, so that tabs visibly back off. */
  restartDowntimeMs: number;
  /** With several nodes: sessions in Redis and publishes to every node. */
  redis?: RedisBackend;
}

export interface SocketHostEvents {
  message: [client: TabSocketClient, data: unknown];
  presence: [entry: OnlineEntry | OfflineEntry];
  /** The silence of `silence()` ran out (or a restart ended it). */
  silenceEnded: [];
}

const NO_TRAFFIC: TabSocketServerStats = {
  openSockets: 0,
  httpStreams: 0,
  onlineUsers: 0,
  framesIn: 0,
  framesOut: 0,
  malformedFrames: 0,
  sessions: 0,
  rememberedFrames: 0,
};

/**
 * Owns the demo's current TabSocketServer on the shared HTTP server, and the three faults
 * the page can inject into it: silence, cut and restart. Everything else reaches the socket
 * server through here, so a restart swaps it in one place.
 */
export class SocketHost extends EventEmitter<SocketHostEvents> {
  readonly #options: SocketHostOptions;
  #server: TabSocketServer<PushAnswer> | undefined;
  #generation = 0;
  #startedAt: number | null = null;
  #restarting = false;
  #silentUntil: number | null = null;
  #silenceTimer: NodeJS.Timeout | undefined;
  /** Aborts a restart's downtime wait when the host closes. */
  readonly #closing = new AbortController();

  constructor(options: SocketHostOptions) {
    super();
    this.#options = options;
    this.#start();
  }

  get silent(): boolean {
    return this.#silentUntil !== null;
  }

  get restarting(): boolean {
    return this.#restarting;
  }

  /** Publishes to the topic's subscribers (on every node); nothing while the server is down. */
  publish(topic: string, data: object): void {
    // On several nodes it resolves once Redis ordered it; a failure is the fan-out's to report.
    void this.#server?.publish(topic, data);
  }

  /**
   * For `ms`, the server answers no heartbeat and the app holds its pushes: to the client
   * the socket looks half-open (any frame would count as life, so pushes must stop too).
   * Answers when it ends, or null while restarting: there is no server to silence.
   */
  silence(ms: number): number | null {
    if (!this.#server) return null;
    this.#endSilence(false);
    suspendHeartbeatAnswers(this.#server, ms);
    this.#silentUntil = Date.now() + ms;
    this.#silenceTimer = setTimeout(() => this.#endSilence(true), ms);
    return this.#silentUntil;
  }

  /**
   * Answers a request for the HTTP stream (on the socket path) and answers true; false
   * while no socket server is up, or for a request that is not the stream's.
   */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean {
    return this.#server?.handleRequest(request, response) ?? false;
  }

  /** Drops every socket without a close frame, as a crashed proxy would: clients see 1006. */
  cut(): number {
    const sockets = [...(this.#server?.wss.clients ?? [])];
    for (const socket of sockets) socket.terminate();
    return sockets.length;
  }

  /**
   * Closes the socket server and starts a new one on the same HTTP server after the
   * downtime. Answers false when a restart is already running. A restart ends any silence.
   */
  restart(): boolean {
    if (this.#restarting || this.#closing.signal.aborted) return false;
    this.#restarting = true;
    void this.#restart()
      .catch((error: unknown) => console.error('[demo] restart failed:', error))
      .finally(() => {
        this.#restarting = false;
      });
    return true;
  }

  async stats(): Promise<{
    traffic: TabSocketServerStats;
    presence: PresenceEntry[];
    up: boolean;
    generation: number;
    startedAt: number | null;
    silentUntil: number | null;
  }> {
    const server = this.#server;
    return {
      traffic: server?.stats() ?? NO_TRAFFIC,
      // The store outlives the servers, so presence is known even while restarting.
      presence: await (server ? server.presence.list() : this.#options.presenceStore.list()),
      up: server !== undefined,
      generation: this.#generation,
      startedAt: this.#startedAt,
      silentUntil: this.#silentUntil,
    };
  }

  async close(): Promise<void> {
    this.#closing.abort();
    this.#endSilence(false);
    const server = this.#server;
    this.#server = undefined;
    await server?.close();
    await this.#options.redis?.close();
  }

  #start(): void {
    const { http, path, authenticate, presenceStore, redis } = this.#options;
    const server = createTabSocketServer({
      server: http,
      path,
      authenticate,
      presenceStore,
      ...redis?.stores(),
      // Drop a vanished browser within 15 s, so the page's presence list stays honest.
      liveness: { interval: 10_000, timeout: 5_000 },
    });
    server.on('message', (client, data) => this.emit('message', client, data));
    server.presence.on('online', (entry) => this.emit('presence', entry));
    server.presence.on('offline', (entry) => this.emit('presence', entry));
    server.presence.on('error', (error) => console.error('[demo] presence store:', error));
    server.on('error', (error) => console.error('[demo] socket server:', error));
    this.#server = server;
    this.#generation += 1;
    this.#startedAt = Date.now();
  }

  async #restart(): Promise<void> {
    this.#endSilence(true);
    const old = this.#server;
    this.#server = undefined;
    this.#startedAt = null;
    await old?.close();
    await this.#options.redis?.stopFanout();
    try {
      await sleep(this.#options.restartDowntimeMs, undefined, { signal: this.#closing.signal });
    } catch {
      return; // The host closed during the downtime: nothing to start.
    }
    this.#start();
  }

  #endSilence(announce: boolean): void {
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = undefined;
    if (this.#silentUntil === null) return;
    this.#silentUntil = null;
    // The current server is always open here: restart and close detach it before closing it.
    if (this.#server) suspendHeartbeatAnswers(this.#server, 0);
    if (announce) this.emit('silenceEnded');
  }
}
