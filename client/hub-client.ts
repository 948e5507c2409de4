import { type Remote, wrap } from 'comlink';
import type { ResolvedConnectionOptions } from '../protocol/connection-options';
import { deserializeError, WorkerError } from '../protocol/errors';
import { tabLockName } from '../protocol/locks';
import { randomId } from '../protocol/random-id';
import type {
  ConnectionSnapshot,
  HubApi,
  Interest,
  Outcome,
  SocketData,
  TabEventMessage,
} from '../protocol/tab-hub';
import type { HandleHost, TabSocketHandle } from './tab-socket';

/**
 * This tab's client of one hub (a worker), shared by every handle `connect()` returns for it:
 * one tab id, one Web Lock, one port. It forwards the window's signals (online, offline,
 * pagehide) and routes the worker's events to the handles by connection name.
 */
export class HubClient implements HandleHost {
  readonly tabId = randomId();
  readonly #hub: Promise<Remote<HubApi>>;
  /** Connection name → handles of this tab, and the options they were opened with. */
  readonly #handles = new Map<
    string,
    { options: ResolvedConnectionOptions; handles: Set<TabSocketHandle> }
  >();
  readonly #interestSent = new Map<string, string>();

  /** `worker` is watched: one that fails to load or run reaches the handles as an `error` event. */
  constructor(worker: AbstractWorker, port: MessagePort) {
    worker.addEventListener('error', (event) => this.#failAll(event));
    // Setting onmessage starts the port, as start() would.
    port.onmessage = (event) => this.#onEvent(event);
    this.#hub = Promise.resolve(port).then(async () => {
      const hub = wrap<HubApi>(port);
      // The lock must be held before the worker hears of the tab: otherwise the worker's
      // own request for it would be granted at once and a live tab dropped as gone.
      await holdTabLock(this.tabId);
      await hub.attach(this.tabId, navigator.onLine);
      return hub;
    });
    // A failed start reaches the handles through the first command (#call); not twice.
    this.#hub.catch(() => {});
    addEventListener('online', () => this.#call((hub) => hub.network(true)));
    addEventListener('offline', () => this.#call((hub) => hub.network(false)));
    addEventListener('pagehide', () => this.#call((hub) => hub.leave(this.tabId)));
    // A page restored from the back/forward cache left at pagehide: join again.
    addEventListener('pageshow', (event) => {
      if (event.persisted) this.#rejoin();
    });
  }

  /** Opens (or joins) the connection for `handle`, with the options it was created with. */
  open(handle: TabSocketHandle, options: ResolvedConnectionOptions): void {
    const entry = this.#handles.get(handle.name);
    if (entry) {
      if (startsNewLogin(entry.options, entry.handles, options)) {
        // The app logged in again and holds a new handle: the handles of the old login
        // in this tab stop here, or each push would reach its listeners twice.
        for (const old of entry.handles) old.retire();
        entry.handles.clear();
        this.interestChanged(handle.name);
      }
      entry.options = options;
      entry.handles.add(handle);
    } else {
      this.#handles.set(handle.name, { options, handles: new Set([handle]) });
    }
    this.#openOnWorker(options);
  }

  async send(name: string, data: SocketData): Promise<void> {
    const hub = await this.#hub;
    unwrap(await hub.send(this.tabId, name, data));
  }

  async close(name: string, code: number, closeReason: string): Promise<void> {
    const hub = await this.#hub;
    unwrap(await hub.close(this.tabId, name, code, closeReason));
  }

  async release(handle: TabSocketHandle): Promise<void> {
    const entry = this.#handles.get(handle.name);
    if (!entry?.handles.delete(handle)) return;
    if (entry.handles.size > 0) {
      this.interestChanged(handle.name);
      return;
    }
    this.#handles.delete(handle.name);
    this.#interestSent.delete(handle.name);
    const hub = await this.#hub;
    await hub.release(this.tabId, handle.name);
  }

  async inspect(name: string): Promise<ConnectionSnapshot | undefined> {
    const hub = await this.#hub;
    return hub.inspect(name);
  }

  /** Tells the worker what this tab now wants of `name`, when that changed. */
  interestChanged(name: string): void {
    const interest = this.#interestOf(name);
    const key = JSON.stringify(interest);
    if (this.#interestSent.get(name) === key) return;
    this.#interestSent.set(name, key);
    this.#call((hub) => hub.setInterest(this.tabId, name, interest));
  }

  #openOnWorker(options: ResolvedConnectionOptions): void {
    this.#call(async (hub) => {
      const outcome = await hub.open(this.tabId, options);
      const handles = this.#handles.get(options.name)?.handles ?? [];
      if (!outcome.ok) {
        for (const handle of handles) handle.fail(deserializeError(outcome.error));
        return;
      }
      for (const handle of handles) handle.adopt(outcome.value);
    });
  }

  #rejoin(): void {
    this.#interestSent.clear();
    this.#call(async (hub) => {
      await hub.attach(this.tabId, navigator.onLine);
      for (const [name, { options }] of this.#handles) {
        this.#openOnWorker(options);
        this.interestChanged(name);
      }
    });
  }

  #interestOf(name: string): Interest {
    const topics = new Set<string>();
    let all = false;
    for (const handle of this.#handles.get(name)?.handles ?? []) {
      const interest = handle.interest;
      all ||= interest.all;
      for (const topic of interest.topics) topics.add(topic);
    }
    return { all, topics: [...topics].sort() };
  }

  #onEvent(event: MessageEvent): void {
    const tabEvent = (event.data as Partial<TabEventMessage> | null)?.tabsocket;
    if (!tabEvent) return;
    for (const handle of this.#handles.get(tabEvent.name)?.handles ?? []) handle.receive(tabEvent);
  }

  /** Runs a command once the tab is attached; a failure reaches the handles' error listeners. */
  #call(command: (hub: Remote<HubApi>) => unknown): void {
    this.#hub.then(command).catch((cause: unknown) => this.#failAll(cause));
  }

  /** The worker script failed to load or crashed: every handle hears of it. */
  #failAll(cause: unknown): void {
    const error = new WorkerError('tabsocket: the shared worker did not answer', { cause });
    for (const { handles } of this.#handles.values()) {
      for (const handle of handles) handle.fail(error);
    }
  }
}

/** A connect() under a known name is a new login when the url changed or the old one ended. */
function startsNewLogin(
  current: ResolvedConnectionOptions,
  handles: Set<TabSocketHandle>,
  next: ResolvedConnectionOptions,
): boolean {
  if (current.url !== next.url) return true;
  const [any] = handles;
  return any?.state === 'closed' || any?.state === 'failed';
}

/** A refusal becomes the typed error. No outcome at all is no refusal: a worker of an older build answers close() with nothing. */
function unwrap(outcome: Outcome<unknown> | undefined): void {
  if (outcome?.ok === false) throw deserializeError(outcome.error);
}

/** Resolves once this tab holds its lock, which it then keeps until the page goes away. */
function holdTabLock(tabId: string): Promise<void> {
  const locks = (navigator as Navigator | undefined)?.locks;
  // Web Locks need a secure context (https or localhost): without them the worker learns
  // of a closed tab only from its pagehide, which a crash never sends.
  if (!locks) return Promise.resolve();
  return new Promise((granted) => {
    void locks.request(tabLockName(tabId), () => {
      granted();
      return new Promise<never>(() => {});
    });
  });
}
