/**
 * The simulated world of one run: the scheduler, the server process, the browsers, and the
 * history they all write. It answers the globals for the context running now, and offers
 * the actions the fault steps are made of.
 */

import { MAX_ATTACH_TIMEOUT } from '../client/hub-client';
import { WorkerError } from '../protocol/errors';
import { RedisReplayStore } from '../server/redis/redis-replay-store';
import type { RedisCommandClient } from '../server/redis/store-options';
import { FINAL_ACKS_WITHIN } from '../worker/socket/final-acks';
import { Browser, type HandleSpec, SimHandle, type Tab, WorkerInstance } from './browser';
import { loggedInSince } from './checker';
import type { BrowserPlan } from './faults';
import { installGlobals, type Realm } from './globals';
import {
  type HandleRecord,
  History,
  type LogoutRecord,
  pushOfFrame,
  type Receipt,
} from './history';
import { CHANNEL_LAG_MAX } from './ports';
import { Recorder } from './recorder';
import { SimRedis } from './redis-gate';
import { Context, Scheduler } from './scheduler';
import {
  contextClock,
  memoryStore,
  RecordingStore,
  ServerProcess,
  SIM_REPLAY,
  TokenIssuer,
} from './server-process';

/**
 * How long after a logout resolves its sockets and timers must be gone: a logout keeps its
 * socket for the acks of what was written, at most `FINAL_ACKS_WITHIN` (a blackholed socket
 * never answers), and a tab whose fresh worker died before it answered still waits for it
 * up to `MAX_ATTACH_TIMEOUT` (docs/design.md, Limits of the guarantees); closing takes a second more at most.
 */
export const LOGOUT_SETTLE_MS = Math.max(FINAL_ACKS_WITHIN, MAX_ATTACH_TIMEOUT) + 1_000;

/** A real Redis for the sessions (see redis-gate.ts), and how to restart it without data. */
export interface WorldRedis {
  client: RedisCommandClient;
  /** Keys of this run start with it: runs share one Redis. */
  prefix: string;
  restart(): Promise<void>;
}

export interface WorldOptions {
  redis?: WorldRedis;
  seed: number;
  choices: readonly number[];
  browsers: BrowserPlan[];
  trace?: boolean;
  /** The server names logins (see `Plan.logins`). */
  logins?: boolean;
}

export class World implements Realm {
  readonly sim: Scheduler;
  readonly history = new History();
  readonly #recorder: Recorder;
  readonly tokens: TokenIssuer;
  readonly browsers: Browser[];
  server: ServerProcess | undefined;
  store: RecordingStore;
  #serverGeneration = 0;
  #nextPush = 0;
  #nextSend = 0;
  #nextHandle = 0;
  readonly #restoreGlobals: () => void;
  readonly #redis: (WorldRedis & { host: SimRedis }) | undefined;
  /** Bumped when the sessions are lost: the next server's store uses keys of its own. */
  #storeGeneration = 0;

  constructor(options: WorldOptions) {
    this.sim = new Scheduler(options.seed, options.choices, { trace: options.trace ?? false });
    this.tokens = new TokenIssuer(options.logins ?? false);
    if (options.redis) {
      const host = new SimRedis(this.sim, options.redis.client);
      this.#redis = { ...options.redis, host };
      this.sim.external = () => host.pending();
    }
    this.#recorder = new Recorder(this.sim, this.history, this.#redis?.host);
    this.store = this.#memoryStore();
    this.browsers = options.browsers.map((plan, index) => {
      const id = `b${index + 1}`;
      if (plan.channelLag) this.history.channelLag.set(id, CHANNEL_LAG_MAX);
      return new Browser(this.sim, id, plan, () => this.server, this.#recorder);
    });
    this.#restoreGlobals = installGlobals(this);
    this.startServer();
  }

  dispose(): void {
    this.#restoreGlobals();
  }

  // ── Realm: the globals, for the context running now ──

  #roleOf(context: Context): { browser: Browser; role: Tab | WorkerInstance } | undefined {
    for (const browser of this.browsers) {
      const role = browser.roles.get(context);
      if (role) return { browser, role };
    }
    return undefined;
  }

  #tabNow(): Tab {
    const found = this.#roleOf(this.sim.current);
    if (!found || found.role instanceof WorkerInstance) {
      throw new Error(`a page global was read in ${this.sim.current.id}`);
    }
    return found.role;
  }

  sharedWorker() {
    const tab = this.#tabNow();
    return tab.browser.sharedWorkers ? tab.browser.sharedWorkerFor(tab) : undefined;
  }

  inBrowser(): boolean {
    return this.#roleOf(this.sim.current) !== undefined;
  }

  hasSharedWorker(): boolean {
    const found = this.#roleOf(this.sim.current);
    return found?.browser.sharedWorkers ?? true;
  }

  navigator() {
    const found = this.#roleOf(this.sim.current);
    return { onLine: found?.browser.online ?? true, locks: found?.browser.locks };
  }

  window(): EventTarget {
    return this.#tabNow().window;
  }

  storage(): Storage {
    return this.#tabNow().storage;
  }

  // ── Actions ──

  /** The in-memory store: it outlives a server process that keeps the sessions. */
  #memoryStore(): RecordingStore {
    const clock = contextClock(this.sim, () => this.server?.context ?? this.sim.root);
    return new RecordingStore(memoryStore(clock), this.#recorder);
  }

  /**
   * The store of the process `context`: on Redis, one of its own, with its own connection
   * (as a process started after a crash builds), on the keys of the sessions kept.
   */
  #storeOf(context: Context): RecordingStore {
    const redis = this.#redis;
    if (!redis) return this.store;
    const store = new RedisReplayStore(
      redis.host.connect(context),
      {
        prefix: `sim:${redis.prefix}:${this.#storeGeneration}:`,
        replay: SIM_REPLAY,
        onError: (error) => this.#recorder.storeError(error),
      },
      contextClock(this.sim, () => context),
    );
    this.store = new RecordingStore(store, this.#recorder);
    return this.store;
  }

  startServer(): void {
    this.#serverGeneration += 1;
    const context = new Context(`server#${this.#serverGeneration}`);
    this.server = new ServerProcess(
      this.sim,
      context,
      this.#storeOf(context),
      this.tokens,
      this.#recorder,
    );
    this.history.line(this.sim.now, `server ${this.#serverGeneration} up`);
  }

  /** The process dies; a new one starts after `downFor` ms, with the sessions or without. */
  restartServer(keepSessions: boolean, downFor: number): void {
    this.server?.kill();
    this.server = undefined;
    this.history.line(this.sim.now, `server down (keep sessions: ${keepSessions})`);
    if (!keepSessions) {
      this.#storeGeneration += 1;
      if (!this.#redis) this.store = this.#memoryStore();
      this.history.stateLosses.push({
        at: this.sim.now,
        task: this.sim.tasksRun,
        cause: 'server restart',
      });
    }
    this.sim.setTimer(this.sim.root, downFor, () => this.startServer(), 'server start');
  }

  /** Redis restarts and comes back empty (with Redis only; the server's connection waits). */
  restartRedis(): void {
    const redis = this.#redis;
    if (!redis) return;
    this.history.line(this.sim.now, 'redis restarts, empty');
    this.history.stateLosses.push({
      at: this.sim.now,
      task: this.sim.tasksRun,
      cause: 'redis restart',
    });
    redis.host.hold(redis.restart());
  }

  /**
   * No write to Redis fails from now on: what a `redis-write-failure` step drew is over.
   * Answers whether there is a Redis.
   */
  healRedis(): boolean {
    if (!this.#redis) return false;
    this.#redis.host.failWrites = 0;
    return true;
  }

  /** The next `count` writes to Redis fail (with Redis only). */
  failRedisWrites(count: number): void {
    if (!this.#redis) return;
    this.history.line(this.sim.now, `the next ${count} redis writes fail`);
    this.#redis.host.failWrites += count;
  }

  /** The app pushes to `user`'s sockets and sessions, as `server.push` does. */
  push(user: string, topic: string): void {
    const server = this.server;
    if (!server) return;
    const id = ++this.#nextPush;
    this.history.pushes.set(id, {
      id,
      user,
      topic,
      at: this.sim.now,
      streams: new Map(),
      appendedAt: new Map(),
    });
    this.history.line(this.sim.now, `push p${id} ${user} ${topic}`);
    this.sim.as(server.context, () => server.server.push(user, { topic, p: id }));
  }

  /** A page loads; it connects with `specs` when its browser is logged in by then. */
  openTab(browser: Browser, slot: number, build: string, specs: HandleSpec[]): Tab {
    const tab = browser.openTab(slot, build);
    this.history.line(this.sim.now, `open ${tab.context.id}`);
    this.inTab(tab, () => {
      for (const spec of specs) this.openHandle(tab, spec);
    });
    return tab;
  }

  /** Runs `action` as a task of the page (its own lane keeps the order of the app's calls). */
  inTab(tab: Tab, action: () => void): void {
    if (!tab.context.alive) return;
    this.sim.post(tab.appLane, 'app', action);
  }

  /**
   * A `connect()` in the page, as whoever the browser's cookie names now (none while logged
   * out); `lineage` when it takes over from a handle of the page before.
   */
  openHandle(
    tab: Tab,
    spec: HandleSpec,
    lineage = `h${this.#nextHandle + 1}`,
  ): SimHandle | undefined {
    const user = tab.browser.user;
    if (!user) return undefined;
    const id = ++this.#nextHandle;
    // As an app's url function does: a token for whoever the browser's cookie says. While
    // logged out its token endpoint refuses, and the app logs its handle out (a connect()
    // that reached the worker just after another page's logout started the login again).
    const { browser } = tab;
    let loggingOut = false;
    const url = async () => {
      if (browser.user !== undefined) {
        const token = `token=${this.tokens.current(browser.user)}`;
        const login = this.tokens.logins ? `&login=${browser.id}.${browser.login}` : '';
        return `ws://sim.test/ws?${token}${login}`;
      }
      const ended = this.history.handles.get(id)?.endedAt !== undefined;
      if (!loggingOut && !ended) {
        loggingOut = true;
        void this.logout(handle);
      }
      throw new Error('logged out: no token');
    };
    const socket = tab.connect(url);
    const handle = new SimHandle(id, tab, user, spec, lineage, socket);
    tab.handles.push(handle);
    const record: HandleRecord = {
      id,
      lineage,
      browser: tab.browser.id,
      user,
      login: browser.login,
      interest: spec.interest,
      openedAt: this.sim.now,
      events: [],
      pageAlive: () => tab.context.alive,
    };
    this.history.handles.set(id, record);
    this.history.line(
      this.sim.now,
      `handle h${id} ${lineage} ${tab.context.id} ${user} ${spec.interest}`,
    );
    const frame = (data: unknown) => {
      const push = pushOfFrame(data);
      if (push === undefined) return;
      const session = this.history.currentSession.get(browser.id);
      record.events.push({ at: this.sim.now, kind: 'frame', push, session });
      this.history.line(this.sim.now, `h${id} got p${push}`);
    };
    if (spec.interest === 'all') socket.on('message', frame);
    else socket.subscribe(spec.interest, frame);
    socket.on('resync', () => {
      record.events.push({ at: this.sim.now, kind: 'resync' });
      this.history.line(this.sim.now, `h${id} resync`);
    });
    socket.on('state', (state, detail) => {
      record.events.push({ at: this.sim.now, kind: 'state', state, reason: detail.reason });
      this.history.line(this.sim.now, `h${id} ${state} ${detail.reason}`);
    });
    tab.context.onKill(() => {
      record.endedAt ??= this.sim.now;
    });
    return handle;
  }

  send(handle: SimHandle): void {
    const id = ++this.#nextSend;
    const record = {
      id,
      handle: handle.id,
      browser: handle.tab.browser.id,
      at: this.sim.now,
      received: [] as Receipt[],
      pageAlive: () => handle.tab.context.alive,
    };
    this.history.sends.set(id, record);
    this.history.line(this.sim.now, `h${handle.id} send s${id}`);
    handle.socket.send({ send: id }).then(
      () => {
        (record as { outcome?: unknown }).outcome = { at: this.sim.now, ok: true };
        this.history.line(this.sim.now, `s${id} resolved`);
      },
      (error: unknown) => {
        const code = error instanceof WorkerError ? 'WorkerError' : errorCode(error);
        (record as { outcome?: unknown }).outcome = { at: this.sim.now, ok: false, error: code };
        this.history.line(this.sim.now, `s${id} rejected ${code}`);
      },
    );
  }

  /**
   * `close()`: logout. Once it resolves, the browser must let go of everything in time.
   * Answers whether it resolved (else the login may live on: the app knows it).
   */
  logout(handle: SimHandle): Promise<boolean> {
    const { browser } = handle.tab;
    this.history.line(this.sim.now, `h${handle.id} logout`);
    return handle.socket.close().then(
      () => {
        const at = this.sim.now;
        const login = this.history.handles.get(handle.id)?.login ?? browser.login;
        const logout = { browser: browser.id, user: handle.user, login, at };
        this.history.logouts.push(logout);
        this.history.line(at, `h${handle.id} logged out`);
        const before = this.sim.nextTimerId;
        this.sim.setTimer(
          this.sim.root,
          LOGOUT_SETTLE_MS,
          () => this.#probeLogout(browser, logout, before),
          'probe',
        );
        return true;
      },
      () => {
        this.history.line(this.sim.now, `h${handle.id} logout refused`);
        return false;
      },
    );
  }

  /** Nothing of the connection is left in a browser that logged out and has not logged in since. */
  #probeLogout(browser: Browser, logout: LogoutRecord, before: number): void {
    if (loggedInSince(this.history, logout)) return;
    const sockets = this.history.browserSockets.of(browser.id);
    // Timers the logout left running; a page that leaves later may start its own.
    const timers = this.timersIn(browser, before);
    this.history.line(
      this.sim.now,
      `${browser.id} after logout: ${sockets} sockets, ${timers} timers`,
    );
    if (sockets > 0 || timers > 0) {
      this.history.live.push({
        invariant: 'left after logout',
        detail: `${browser.id} logged out at ${logout.at}; ${LOGOUT_SETTLE_MS} ms later ${sockets} sockets and ${timers} timers remain`,
      });
    }
  }

  /**
   * The browser loses the network for `duration` ms: every socket of it goes silent, no new
   * one gets through, and each page hears `offline`, then `online`.
   */
  goOffline(browser: Browser, duration: number): void {
    if (!browser.online) return;
    this.history.line(this.sim.now, `${browser.id} offline`);
    browser.online = false;
    for (const worker of browser.liveWorkers())
      for (const end of worker.sockets) end.pair.blackhole();
    const tell = (type: 'online' | 'offline') => {
      for (const tab of browser.tabs) {
        this.sim.post(tab.appLane, type, () => tab.window.dispatchEvent(new Event(type)));
      }
    };
    tell('offline');
    this.sim.setTimer(
      this.sim.root,
      duration,
      () => {
        browser.online = true;
        this.history.line(this.sim.now, `${browser.id} online`);
        tell('online');
      },
      'online',
    );
  }

  /**
   * For `duration` ms the browser's network refuses WebSocket handshakes (closed before
   * open; the server never sees them) and lets HTTP streams through. With `cut`, the browser
   * has just moved onto that network: its open WebSockets drop (streams too are reset, as
   * any connection on the network it left).
   */
  blockUpgrades(browser: Browser, duration: number, cut: boolean): void {
    if (browser.upgradesBlocked) return;
    this.history.line(this.sim.now, `${browser.id} upgrades blocked${cut ? ', sockets cut' : ''}`);
    browser.upgradesBlocked = true;
    if (cut) {
      for (const worker of browser.liveWorkers())
        for (const end of worker.sockets) if (end.pair.live) end.pair.drop();
    }
    this.sim.setTimer(
      this.sim.root,
      duration,
      () => {
        browser.upgradesBlocked = false;
        this.history.line(this.sim.now, `${browser.id} upgrades pass`);
      },
      'upgrades pass',
    );
  }

  /** The user's tokens expire: the server refuses them, and closes their sockets with 4401. */
  expireToken(user: string): void {
    this.tokens.expire(user);
    this.history.line(this.sim.now, `token of ${user} expired`);
    const server = this.server;
    if (server) this.sim.as(server.context, () => server.closeUser(user, 4401));
  }

  release(handle: SimHandle): void {
    const record = this.history.handles.get(handle.id);
    if (record) record.endedAt ??= this.sim.now;
    this.history.line(this.sim.now, `h${handle.id} release`);
    handle.socket.release().catch((error: unknown) => {
      // Documented: a release waiting on a worker that died rejects with WorkerError.
      this.history.line(this.sim.now, `h${handle.id} release rejected ${errorCode(error)}`);
    });
  }

  /**
   * The page goes away politely: pagehide (cursors saved, the hub told) and the end of the
   * page in one task, as a browser unloads a document; what pagehide posted still goes.
   */
  /** `unloading` runs in the unload task, before pagehide: what the page holds as it goes. */
  closeTab(tab: Tab, then?: () => void, unloading?: () => void): void {
    this.history.line(this.sim.now, `close ${tab.context.id}`);
    this.sim.post(tab.appLane, 'unload', () => {
      unloading?.();
      tab.window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: false }));
      tab.context.kill();
      then?.();
    });
  }

  crashTab(tab: Tab): void {
    this.history.line(this.sim.now, `crash ${tab.context.id}`);
    tab.context.kill();
  }

  killWorker(worker: WorkerInstance): void {
    this.history.line(this.sim.now, `kill ${worker.context.id}`);
    worker.context.kill();
  }

  /** The timers pending in a browser's workers and pages, of those set before timer `before`. */
  timersIn(browser: Browser, before?: number): number {
    let count = 0;
    for (const worker of browser.liveWorkers()) count += this.sim.timersOf(worker.context, before);
    for (const tab of browser.tabs) count += this.sim.timersOf(tab.context, before);
    return count;
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
