/**
 * The reference server in the simulation: a real `TabSocketServer` attached to a stand-in for
 * `ws`'s WebSocketServer, on the scheduler's clock, with the in-memory stores. A restart kills
 * its process (every timer of it stops, every socket resets) and starts another, with the
 * same replay store (its sessions live on, as in Redis) or a fresh one (they are lost).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { Clock } from '../protocol/clock';
import type { TabSocketClient } from '../server/connected-client';
import { MemoryReplayStore } from '../server/memory-replay-store';
import { DEFAULT_REPLAY } from '../server/options';
import type { PushPayload, ReplayRead, ReplayStore } from '../server/replay-store';
import { TabSocketServer } from '../server/server';
import type { Listener, ServerEnd } from './network';
import { Context, type Scheduler } from './scheduler';

/** The server's replay limits in the simulation: small, so that the bounds are reached. */
export const SIM_REPLAY = { ...DEFAULT_REPLAY, maxCount: 40, maxAge: 20_000, dedupeWindow: 64 };
export const SIM_SESSIONS = { maxPerUser: 8, maxTotal: 64 };

/** What the server side reports to the world's history. */
export interface ServerObserver {
  appended(session: string, seq: number, body: string): void;
  received(text: string, userId: string): void;
  storeError(error: unknown): void;
}

export function contextClock(sim: Scheduler, context: () => Context): Clock {
  return {
    now: () => sim.now,
    setTimeout: (callback, ms) => sim.setTimer(context(), ms, callback),
    clearTimeout: (handle) => sim.clearTimer(handle),
  };
}

/** The memory store, with every append reported: the streams the checker holds tabs to. */
export class RecordingStore implements ReplayStore {
  readonly memory: MemoryReplayStore;
  readonly #sessions = new Set<string>();

  constructor(
    clock: Clock,
    private readonly observer: ServerObserver,
  ) {
    this.memory = new MemoryReplayStore(SIM_REPLAY, clock);
  }

  append(session: string, payload: PushPayload): number {
    const seq = this.memory.append(session, payload);
    this.#sessions.add(session);
    this.observer.appended(session, seq, payload.body);
    return seq;
  }

  read(session: string, last: number | undefined): ReplayRead {
    return this.memory.read(session, last);
  }

  seen(session: string, id: number, window: number): boolean {
    return this.memory.seen(session, id, window);
  }

  drop(session: string): void {
    this.#sessions.delete(session);
    this.memory.drop(session);
  }

  /** Sessions whose log the store holds. */
  get sessionCount(): number {
    return this.#sessions.size;
  }
}

/** Tokens: `?token=<user>.<version>`; a version below the user's current one has expired. */
export class TokenIssuer {
  readonly #versions = new Map<string, number>();

  current(user: string): string {
    return `${user}.${this.#versions.get(user) ?? 1}`;
  }

  expire(user: string): void {
    this.#versions.set(user, (this.#versions.get(user) ?? 1) + 1);
  }

  /** The user a request's token names, if the token is current. */
  userOf(url: string): string | null {
    const token = new URL(url).searchParams.get('token') ?? '';
    const [user, version] = token.split('.');
    if (!user || Number(version) !== (this.#versions.get(user) ?? 1)) return null;
    return user;
  }
}

export class ServerProcess implements Listener {
  readonly context: Context;
  readonly server: TabSocketServer;
  readonly #wss = new EventEmitter();
  readonly #clients = new Set<TabSocketClient>();

  constructor(
    sim: Scheduler,
    generation: number,
    readonly store: RecordingStore,
    tokens: TokenIssuer,
    observer: ServerObserver,
  ) {
    this.context = new Context(`server#${generation}`);
    const clock = contextClock(sim, () => this.context);
    this.server = sim.as(
      this.context,
      () =>
        new TabSocketServer(
          {
            wss: this.#wss as unknown as WebSocketServer,
            authenticate: (request) => tokens.userOf(request.url ?? ''),
            replayStore: store,
            replay: SIM_REPLAY,
            sessions: SIM_SESSIONS,
            liveness: { interval: 10_000, timeout: 5_000 },
          },
          { clock },
        ),
    );
    this.server.on('message', (client, _data, text) =>
      observer.received(text ?? '', client.userId),
    );
    this.server.on('connection', (client) => this.#clients.add(client));
    this.server.on('disconnection', (client) => this.#clients.delete(client));
    this.server.on('storeError', (error) => observer.storeError(error));
    // A crash ends the process: its timers with its context; nothing of it closes politely.
    this.context.onKill(() => this.#wss.removeAllListeners());
  }

  accept(end: ServerEnd, request: { url: string; headers: Record<string, string> }): void {
    this.#wss.emit('connection', end, request as unknown as IncomingMessage);
  }

  /** The app ends a user's sockets (their token expired): `code` 4401 asks for a fresh url. */
  closeUser(user: string, code: number): void {
    for (const client of this.#clients)
      if (client.userId === user) client.close(code, 'token expired');
  }

  kill(): void {
    this.context.kill();
  }
}
