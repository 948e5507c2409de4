/**
 * One simulated browser profile: its tabs (pages), its SharedWorkers (one per build while it
 * lives), Web Locks and BroadcastChannels, and for each tab slot a sessionStorage that a
 * reload keeps. The code that runs in it is the package's own: `connect()` in the pages,
 * `createHub`/`exposeHub` in the workers.
 */
import { connect } from '../client/connect';
import { HubClient } from '../client/hub-client';
import { type TabSocket, TabSocketHandle } from '../client/tab-socket';
import { tabUrlProvider } from '../client/url-provider';
import { resolveOptions } from '../protocol/connection-options';
import type { Hub } from '../worker/hub/hub';
import type { StreamMaker } from '../worker/platform';
import { createHub, exposeHub } from '../worker/serve';
import type { BrowserPlan } from './faults';
import { SimStorage } from './globals';
import { SimLocks } from './locks';
import {
  type BrowserEnd,
  dial,
  type Listener,
  type NetworkObserver,
  type Transport,
} from './network';
import { ChannelBus, channel, type SimPort } from './ports';
import { Context, type Lane, type Scheduler } from './scheduler';
import { contextClock } from './server-process';

/** One load of the stream's module in this many fails. */
const STREAM_LOAD_FAILS = 5;

/** A hub: a SharedWorker of one build, or (without SharedWorker) a page's dedicated worker. */
export class WorkerInstance {
  readonly context: Context;
  readonly boot: Lane;
  hub: Hub | undefined;
  readonly sockets: BrowserEnd[] = [];

  constructor(
    readonly browser: Browser,
    readonly build: string,
    serial: number,
  ) {
    const { sim } = browser;
    this.context = new Context(`${browser.id}/worker:${build}#${serial}`);
    this.boot = sim.lane(`boot:${this.context.id}`, () => this.context);
    const tasks = sim.lane(`task:${this.context.id}`, () => this.context);
    this.#loads = sim.lane(`load:${this.context.id}`, () => this.context);
    sim.post(this.boot, 'start worker', () => {
      this.hub = createHub({
        clock: contextClock(sim, () => this.context),
        random: sim.random,
        createSocket: (url) => this.#dial(url, 'websocket'),
        loadStream: () => this.#loadStream(),
        locks: browser.locks,
        schedule: (task) => sim.post(tasks, 'next task', task),
        openChannel: (name) => browser.bus.open(name, this.context),
        build,
      });
    });
  }

  /** Whether it answered a page yet (its first answer is to `attach`). */
  answered = false;
  /** Where the stream's module loads: a task of its own, so steps land during the load. */
  readonly #loads: Lane;

  /** A WebSocket the network may refuse (`upgradesBlocked`), or a stream it lets through. */
  #dial(url: string, transport: Transport): BrowserEnd {
    const { browser } = this;
    const reachable = browser.online && (transport === 'stream' || !browser.upgradesBlocked);
    const listener = () => (reachable ? browser.listener() : undefined);
    const end = dial(
      browser.sim,
      browser.id,
      this.context,
      url,
      listener,
      browser.observer,
      transport,
    );
    this.sockets.push(end);
    return end;
  }

  /**
   * The stream's module (a chunk of its own in a build): it comes after 1–500 ms (a chunk fetched, or cached), or, one
   * load in `STREAM_LOAD_FAILS`, does not (offline, a 404 after a deploy).
   */
  #loadStream(): Promise<StreamMaker> {
    const { sim } = this.browser;
    const delay = 1 + Math.floor(sim.random() * 500);
    const fails = sim.random() * STREAM_LOAD_FAILS < 1;
    return new Promise((resolve, reject) => {
      sim.post(
        this.#loads,
        'stream module',
        () => {
          if (fails) reject(new Error('the stream module did not load'));
          else resolve((url) => this.#dial(url, 'stream'));
        },
        delay,
      );
    });
  }

  /** A page's port reaches the hub, in a task of the worker (its `connect` event). */
  connectPort(port: SimPort): void {
    const post = port.postMessage.bind(port);
    port.postMessage = (data, transfer) => {
      this.answered = true;
      post(data, transfer);
    };
    this.browser.sim.post(this.boot, 'connect', () => {
      if (this.hub) exposeHub(this.hub, port as unknown as MessagePort);
    });
  }
}

export interface HandleSpec {
  /** Everything (`on('message')`), or one topic (`subscribe`). */
  interest: 'all' | string;
}

/** What the world records of a handle's life, through these hooks. */
export interface HandleObserver {
  opened(handle: SimHandle): void;
  frame(handle: SimHandle, data: unknown): void;
  resync(handle: SimHandle): void;
  state(handle: SimHandle, state: string, reason: string): void;
}

export class SimHandle {
  constructor(
    readonly id: number,
    readonly tab: Tab,
    readonly user: string,
    readonly spec: HandleSpec,
    /** Handles that continue one another across reloads of a tab share a lineage. */
    readonly lineage: string,
    readonly socket: TabSocket,
  ) {}
}

/** A page: it dies on close, crash or reload, and its slot's storage outlives it. */
export class Tab {
  readonly context: Context;
  /** The app's own calls in this page (connect, send, close), in the order it makes them. */
  readonly appLane: Lane;
  readonly window = new EventTarget();
  readonly handles: SimHandle[] = [];
  /** The `worker` option of this page: one function, so connect() keeps one client per page. */
  readonly startWorker = () => new SharedWorker('sim-worker.js');
  /** The fallback client (no SharedWorker): connect()'s own would be shared by every page. */
  #fallback: HubClient | undefined;

  constructor(
    readonly browser: Browser,
    readonly slot: number,
    readonly build: string,
    serial: number,
  ) {
    this.context = new Context(`${browser.id}/tab${slot}#${serial}`);
    this.appLane = browser.sim.lane(`app:${this.context.id}`, () => this.context);
  }

  get storage(): SimStorage {
    return this.browser.storageOf(this.slot);
  }

  /** `connect()` as the app calls it, in this page. */
  connect(url: () => Promise<string>): TabSocket {
    const options = {
      url,
      name: 'default',
      heartbeat: { interval: 4_000, timeout: 2_000 },
      reconnect: { minDelay: 200, maxDelay: 4_000, minUptime: 3_000 },
      connectTimeout: 3_000,
      gracePeriod: 1_000,
      // A probe within a run: the stream's fallback and the switch back both happen in it.
      probeDelay: 2_000,
    };
    if (this.browser.sharedWorkers) return connect({ ...options, worker: this.startWorker });
    // connect() keeps one client per `worker` option in a module-level map, which every
    // page of this one realm would share: the fallback's client is made per page here, as
    // connect() makes it in a page of its own.
    this.#fallback ??= new HubClient(() => this.browser.startDedicatedWorker(this), true);
    const resolved = resolveOptions(options);
    const handle = new TabSocketHandle(resolved.name, this.#fallback);
    this.#fallback.open(handle, resolved, tabUrlProvider(url));
    return handle;
  }
}

export class Browser {
  /** Who the app says is logged in (its cookie): undefined after a logout. */
  user: string | undefined;
  /** The cookie's login (authentication session): a new one at each login after a logout. */
  login = 0;
  readonly locks: SimLocks;
  readonly bus: ChannelBus;
  readonly sharedWorkers: boolean;
  online = true;
  /** The network refuses WebSocket handshakes (a proxy that strips `Upgrade`); streams pass. */
  upgradesBlocked = false;
  readonly tabs = new Set<Tab>();
  readonly workers: WorkerInstance[] = [];
  readonly #storage = new Map<number, SimStorage>();
  /** Which tab or worker a context is, for the globals. */
  readonly roles = new Map<Context, Tab | WorkerInstance>();

  constructor(
    readonly sim: Scheduler,
    readonly id: string,
    plan: BrowserPlan,
    readonly listener: () => Listener | undefined,
    readonly observer: NetworkObserver,
  ) {
    this.sharedWorkers = plan.sharedWorkers;
    this.locks = new SimLocks(sim);
    this.bus = new ChannelBus(
      sim,
      plan.channelLag ? (data) => observer.channelPosted(id, data) : undefined,
    );
  }

  /** A login after a logout, or the first: the cookie names a new authentication session. */
  logIn(user: string): void {
    this.user = user;
    this.login += 1;
  }

  storageOf(slot: number): SimStorage {
    let storage = this.#storage.get(slot);
    if (!storage) {
      storage = new SimStorage();
      this.#storage.set(slot, storage);
    }
    return storage;
  }

  openTab(slot: number, build: string): Tab {
    const tab = new Tab(this, slot, build, this.sim.serial());
    this.tabs.add(tab);
    this.roles.set(tab.context, tab);
    tab.context.onKill(() => this.tabs.delete(tab));
    return tab;
  }

  /** The live SharedWorker of `build`, or a new one: what `new SharedWorker()` joins. */
  sharedWorkerFor(tab: Tab): { port: SimPort } {
    let instance = this.workers.find((w) => w.build === tab.build && w.context.alive);
    if (!instance) instance = this.#startWorker(tab.build);
    const { port1, port2 } = channel(
      this.sim,
      tab.context,
      instance.context,
      `sw${this.sim.serial()}`,
    );
    instance.connectPort(port2);
    return { port: port1 };
  }

  /** Without SharedWorker: the page's own hub, which dies with the page. */
  startDedicatedWorker(tab: Tab): { worker: Worker; port: MessagePort } {
    const instance = this.#startWorker(tab.build);
    tab.context.onKill(() => instance.context.kill());
    // The page transfers port2 to its dedicated worker (client/default-worker.ts): shipped.
    const { port1, port2 } = channel(
      this.sim,
      tab.context,
      instance.context,
      `dw${this.sim.serial()}`,
      { shipped: true },
    );
    instance.connectPort(port2);
    return { worker: new EventTarget() as Worker, port: port1 as unknown as MessagePort };
  }

  #startWorker(build: string): WorkerInstance {
    const instance = new WorkerInstance(this, build, this.sim.serial());
    this.workers.push(instance);
    this.roles.set(instance.context, instance);
    return instance;
  }

  liveWorkers(): WorkerInstance[] {
    return this.workers.filter((w) => w.context.alive);
  }
}
