/**
 * The reference server in the simulation: a real `TabSocketServer` attached to a stand-in for
 * `ws`'s WebSocketServer, on the scheduler's clock, with the in-memory stores or Redis. A
 * restart kills its process (every timer of it stops, every socket resets, no answer of its
 * store runs) and starts another, with the sessions kept (the same in-memory store, or a new
 * process's store on the same Redis keys) or lost (a fresh store).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { Clock } from '../protocol/clock';
import { MemoryReplayStore } from '../server/memory/memory-replay-store';
import { DEFAULT_REPLAY, type Identity } from '../server/options';
import { TabSocketServer } from '../server/server';
import type { TabSocketClient } from '../server/sockets/connected-client';
import type { PushPayload } from '../server/stores/push-payload';
import type { ReplayRead, ReplayStore } from '../server/stores/replay-store';
import type { Listener, ServerEnd } from './network';
import type { Context, Scheduler } from './scheduler';

/**
 * The server's replay limits in the simulation: small, so that the bounds are reached. The
 * dedupe window as small as docs/server.md allows: above the ids a worker skips on taking a
 * session over (`ID_RESERVE`, 64), or a send a tab holds under an id below gets taken for a
 * duplicate (with 64, a search with lagging channels met it: "resolved send lost").
 */
export const SIM_REPLAY = { ...DEFAULT_REPLAY, maxCount: 40, maxAge: 20_000, dedupeWindow: 256 };
export const SIM_SESSIONS = { maxPerUser: 8, maxTotal: 64 };

/** What the server side reports to the world's history. */
export interface ServerObserver {
  appended(session: string, seq: number, body: string): void;
  /** The store did not keep a push for the session: its worker is owed a resync. */
  notKept(session: string, body: string): void;
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

/**
 * A replay store with every append reported (the streams the checker holds tabs to), and
 * the sessions it was given counted. Any store: the in-memory one, or Redis's, whose
 * optional methods (`appendMany`, `touch`, …) pass through as they are.
 */
export class RecordingStore {
  readonly store: ReplayStore;
  readonly #sessions = new Set<string>();

  constructor(inner: ReplayStore, observer: ServerObserver) {
    const sessions = this.#sessions;
    const report = (session: string, seq: number | undefined, body: string) => {
      sessions.add(session);
      if (seq !== undefined) observer.appended(session, seq, body);
      else observer.notKept(session, body);
    };
    this.store = new Proxy(inner, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        if (key === 'append') {
          return (session: string, payload: PushPayload) => {
            const seq = after(method(session, payload), (seq) =>
              report(session, seq as number | undefined, payload.body),
            );
            // Refused (a write Redis failed): not kept either.
            if (seq instanceof Promise) {
              seq.catch(() => report(session, undefined, payload.body));
            }
            return seq;
          };
        }
        if (key === 'appendMany') {
          return (list: string[], payload: PushPayload) =>
            after(method(list, payload), (seqs) => {
              for (const [at, session] of list.entries()) {
                report(session, (seqs as (number | undefined)[])[at], payload.body);
              }
            });
        }
        if (key === 'read') {
          // What a read replays was appended, also by a process killed before Redis's answer
          // (which it never runs: review 18g).
          return (session: string, ...rest: unknown[]) =>
            after(method(session, ...rest), (read) => {
              for (const entry of (read as ReplayRead).entries ?? []) {
                report(session, entry.seq, entry.payload.body);
              }
            });
        }
        if (key === 'drop') {
          return (session: string) => {
            sessions.delete(session);
            return method(session);
          };
        }
        return method;
      },
    });
  }

  /** Sessions whose stream the store was given and not told to drop. */
  get sessionCount(): number {
    return this.#sessions.size;
  }
}

/** The in-memory store with the simulation's limits, on `clock`. */
export function memoryStore(clock: Clock): ReplayStore {
  return new MemoryReplayStore(SIM_REPLAY, clock);
}

/** Runs `then` on a value now, or once a promise of it resolves; answers the same. */
function after<T>(value: T | Promise<T>, then: (value: T) => void): T | Promise<T> {
  if (value instanceof Promise) {
    return value.then((resolved) => {
      then(resolved);
      return resolved;
    });
  }
  then(value);
  return value;
}

/** Tokens: `?token=<user>.<version>`; a version below the user's current one has expired. */
export class TokenIssuer {
  readonly #versions = new Map<string, number>();

  /** With `logins`, `identityOf` names the login a request's url carries too. */
  constructor(readonly logins: boolean) {}

  current(user: string): string {
    return `${user}.${this.#versions.get(user) ?? 1}`;
  }

  expire(user: string): void {
    this.#versions.set(user, (this.#versions.get(user) ?? 1) + 1);
  }

  /** Who a request's token names, if the token is current (as `authenticate` answers). */
  identityOf(url: string): Identity | null {
    const params = new URL(url).searchParams;
    const [user, version] = (params.get('token') ?? '').split('.');
    if (!user || Number(version) !== (this.#versions.get(user) ?? 1)) return null;
    const login = params.get('login');
    return this.logins && login ? { user, login } : user;
  }
}

export class ServerProcess implements Listener {
  readonly server: TabSocketServer;
  /** What the server reads of `ws`'s WebSocketServer: its events, and its `maxPayload`. */
  readonly #wss = Object.assign(new EventEmitter(), { options: { maxPayload: 1024 * 1024 } });
  readonly #clients = new Set<TabSocketClient>();

  constructor(
    sim: Scheduler,
    readonly context: Context,
    readonly store: RecordingStore,
    tokens: TokenIssuer,
    observer: ServerObserver,
  ) {
    const clock = contextClock(sim, () => this.context);
    this.server = sim.as(
      this.context,
      () =>
        new TabSocketServer(
          {
            wss: this.#wss as unknown as WebSocketServer,
            authenticate: (request) => tokens.identityOf(request.url ?? ''),
            replayStore: store.store,
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
