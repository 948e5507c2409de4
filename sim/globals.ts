/**
 * The browser globals the client code reads (SharedWorker, MessageChannel, navigator, the
 * window's events, sessionStorage, timers, randomness), replaced for the length of a run by
 * stand-ins that answer for the context whose task runs now: each simulated tab sees its own
 * window, storage and browser, though all share this one JavaScript realm. And the garbage
 * collector is kept out: comlink registers each proxy of a port with a FinalizationRegistry,
 * whose callback (`releaseEndpoint`) draws a message id from `Math.random` whenever the
 * collector runs it, in a later run as well; the world's seeded stream then moved at a
 * moment no plan names, and a failure found in a search did not replay alone.
 */
import { channel, SimPort } from './ports';
import type { Context, Scheduler } from './scheduler';

/** What a context is to the globals: a page of a browser, or a worker of one. */
export interface Realm {
  sim: Scheduler;
  /** The SharedWorker's port for the page running now, if the browser has SharedWorker. */
  sharedWorker(): { port: SimPort } | undefined;
  navigator(): { onLine: boolean; locks: unknown };
  window(): EventTarget;
  storage(): Storage;
  hasSharedWorker(): boolean;
  /** Whether a page or a worker of a browser runs now (not a server process, nor the test). */
  inBrowser(): boolean;
}

let active: Realm | undefined;

function realm(): Realm {
  if (!active) throw new Error('no simulation is running');
  return active;
}

class SimSharedWorker extends EventTarget {
  readonly port: SimPort;

  constructor() {
    super();
    const started = realm().sharedWorker();
    if (!started) throw new ReferenceError('SharedWorker is not defined');
    this.port = started.port;
  }
}

class SimMessageChannel {
  readonly port1: SimPort;
  readonly port2: SimPort;

  constructor() {
    const { sim } = realm();
    const here: Context = sim.current;
    const pair = channel(sim, here, here, `mc${sim.serial()}`);
    this.port1 = pair.port1;
    this.port2 = pair.port2;
  }
}

type Restore = () => void;

function replace(target: object, key: string, descriptor: PropertyDescriptor): Restore {
  const before = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { configurable: true, ...descriptor });
  return () => {
    if (before) Object.defineProperty(target, key, before);
    else delete (target as Record<string, unknown>)[key];
  };
}

/** Installs the stand-ins for `world`; the function returned puts the host's back. */
export function installGlobals(world: Realm): Restore {
  active = world;
  const { sim } = world;
  const host = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  const hostRegister = FinalizationRegistry.prototype.register;
  const hostNow = Date.now;
  const timer = (callback: () => void, ms = 0) =>
    sim.current === sim.outside
      ? host.setTimeout(callback, ms)
      : sim.setTimer(sim.current, ms, callback, 'page timer');
  const clear = (id: unknown) => {
    if (typeof id === 'number') sim.clearTimer(id);
    else host.clearTimeout(id as ReturnType<typeof setTimeout>);
  };
  const restores: Restore[] = [
    replace(globalThis, 'SharedWorker', {
      get: () => (realm().hasSharedWorker() ? SimSharedWorker : undefined),
    }),
    replace(globalThis, 'MessageChannel', { value: SimMessageChannel, writable: true }),
    replace(globalThis, 'navigator', { get: () => realm().navigator() }),
    // connect() starts workers only where there is a window (else it is server rendering).
    replace(globalThis, 'window', { value: globalThis, writable: true }),
    replace(globalThis, 'addEventListener', {
      value: (type: string, listener: EventListener) =>
        realm().window().addEventListener(type, listener),
      writable: true,
    }),
    replace(globalThis, 'removeEventListener', {
      value: (type: string, listener: EventListener) =>
        realm().window().removeEventListener(type, listener),
      writable: true,
    }),
    replace(globalThis, 'sessionStorage', { get: () => realm().storage() }),
    replace(globalThis, 'setTimeout', { value: timer, writable: true }),
    replace(globalThis, 'clearTimeout', { value: clear, writable: true }),
    replace(Math, 'random', { value: sim.random, writable: true }),
    // One clock for every context of a browser, as `Date.now()` is there (a tab's open time
    // goes to its hub: `HubApi.open`'s `since`), and the hubs' `Clock` here. A server
    // process keeps the host's: Redis numbers its streams by the real time.
    replace(Date, 'now', {
      value: () => (active?.inBrowser() ? sim.now : hostNow()),
      writable: true,
    }),
    replace(FinalizationRegistry.prototype, 'register', {
      value: function register(
        this: FinalizationRegistry<unknown>,
        target: WeakKey,
        held: unknown,
        token?: WeakKey,
      ): void {
        // A simulated port's proxy is never released by the collector (see above).
        if (!(held instanceof SimPort)) hostRegister.call(this, target, held, token);
      },
      writable: true,
    }),
    replace(globalThis.crypto, 'getRandomValues', {
      value: <T extends ArrayBufferView | null>(array: T): T => {
        if (array) {
          const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
          for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(sim.random() * 256);
        }
        return array;
      },
      writable: true,
    }),
  ];
  return () => {
    for (const restore of restores.reverse()) restore();
    active = undefined;
  };
}

/** sessionStorage of one tab: it outlives a reload of the page, as the browser's does. */
export class SimStorage implements Storage {
  readonly #items = new Map<string, string>();

  get length(): number {
    return this.#items.size;
  }

  clear(): void {
    this.#items.clear();
  }

  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }

  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }

  removeItem(key: string): void {
    this.#items.delete(key);
  }

  setItem(key: string, value: string): void {
    this.#items.set(key, String(value));
  }
}
