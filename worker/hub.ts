import { Timer } from '../protocol/clock';
import type { ResolvedConnectionOptions } from '../protocol/connection-options';
import { ReleasedError, serializeError, type TabSocketError } from '../protocol/errors';
import type {
  ConnectionSnapshot,
  HubApi,
  Interest,
  Outcome,
  SocketData,
} from '../protocol/tab-hub';
import { Connection, type Environment } from './connection';
import type { ScheduleTask } from './frame-batcher';
import { type LockWaiter, type TabPort, TabRegistry } from './registry';

export interface HubEnvironment extends Environment {
  /** `navigator.locks` of the worker; without it a crashed tab is noticed only by `leave`. */
  locks: LockWaiter | undefined;
  /** Runs a task after the tasks already queued: when gathered frames go to the tabs. */
  schedule: ScheduleTask;
}

interface Entry {
  connection: Connection;
  /** Runs while no tab is attached: a reload must not cost a reconnect. */
  graceTimer: Timer;
}

/**
 * The worker's one place of truth: a connection per name, the tabs attached to each, and
 * the commands tabs send. Every tab talks to it through `api(port)`, which binds the tab's
 * port so events find their way back.
 */
export class Hub {
  readonly #connections = new Map<string, Entry>();
  readonly #registry: TabRegistry;
  #online = true;

  constructor(private readonly env: HubEnvironment) {
    this.#registry = new TabRegistry(env.locks, (tabId) => this.leave(tabId), env.schedule);
  }

  /** The command surface for the tab on `port` (what comlink exposes on it). */
  api(port: TabPort): HubApi {
    return {
      attach: (tabId, online) => {
        this.#registry.add(tabId, port);
        this.network(online);
      },
      open: (tabId, options) => this.open(tabId, options),
      setInterest: (tabId, name, interest) => this.setInterest(tabId, name, interest),
      send: (tabId, name, data) => this.send(tabId, name, data),
      close: (tabId, name, code, closeReason) => this.close(tabId, name, code, closeReason),
      release: (tabId, name) => this.release(tabId, name),
      leave: (tabId) => this.leave(tabId),
      network: (online) => this.network(online),
      inspect: (name) => this.inspect(name),
    };
  }

  open(tabId: string, options: ResolvedConnectionOptions): Outcome<ConnectionSnapshot> {
    if (!this.#registry.has(tabId)) return notAttached(tabId);
    const { name } = options;
    let entry = this.#connections.get(name);
    if (entry && entry.connection.options.url !== options.url) {
      // A new url under a known name is a new login: the old socket, its retries and its
      // outbox go now, so that exactly one socket exists for the name at any time.
      entry.graceTimer.clear();
      entry.connection.close(1000, '', 'replaced');
      entry = undefined;
    }
    if (!entry) {
      entry = this.#createEntry(options);
      this.#connections.set(name, entry);
    }
    this.#registry.join(tabId, name);
    entry.graceTimer.clear();
    entry.connection.start();
    return { ok: true, value: this.#snapshot(name, entry) };
  }

  setInterest(tabId: string, name: string, interest: Interest): void {
    this.#registry.setInterest(tabId, name, interest);
    this.#connections.get(name)?.connection.setTopics(this.#registry.topicsOn(name));
  }

  async send(tabId: string, name: string, data: SocketData): Promise<Outcome<void>> {
    const entry = this.#connections.get(name);
    if (!entry || !this.#registry.isOn(tabId, name)) {
      return failure(new ReleasedError(`tabsocket: this tab is not attached to "${name}"`));
    }
    try {
      await entry.connection.send(data);
      return { ok: true, value: undefined };
    } catch (error) {
      return failure(error as TabSocketError);
    }
  }

  close(tabId: string, name: string, code: number, closeReason: string): void {
    if (!this.#registry.has(tabId)) return;
    this.#connections.get(name)?.connection.close(code, closeReason, 'logout');
  }

  release(tabId: string, name: string): void {
    if (this.#registry.release(tabId, name)) this.#graceIfAlone(name);
    this.#connections.get(name)?.connection.setTopics(this.#registry.topicsOn(name));
  }

  leave(tabId: string): void {
    for (const name of this.#registry.remove(tabId)) {
      this.#graceIfAlone(name);
      this.#connections.get(name)?.connection.setTopics(this.#registry.topicsOn(name));
    }
  }

  /**
   * Only a change counts: every tab forwards the same `online` event, and every tab that
   * attaches reports `navigator.onLine`; neither may cut a backoff short again and again,
   * or tabs opened during a server outage would retry it at once, each.
   */
  network(online: boolean): void {
    if (online === this.#online) return;
    this.#online = online;
    for (const { connection } of this.#connections.values()) connection.setOnline(online);
  }

  inspect(name: string): ConnectionSnapshot | undefined {
    const entry = this.#connections.get(name);
    return entry && this.#snapshot(name, entry);
  }

  /** Closes every connection and forgets every tab; nothing of the hub keeps running. */
  dispose(): void {
    for (const [name, entry] of this.#connections) {
      entry.graceTimer.clear();
      entry.connection.close(1001, '', 'released');
      this.#connections.delete(name);
    }
  }

  #createEntry(options: ResolvedConnectionOptions): Entry {
    const { name } = options;
    const registry = this.#registry;
    const connection = new Connection(options, this.env, {
      state: (state, detail) => registry.post(name, { kind: 'state', name, state, detail }),
      frame: (frame) => registry.deliver(name, frame),
      error: (error) => registry.post(name, { kind: 'error', name, error: serializeError(error) }),
      resync: () => registry.post(name, { kind: 'resync', name }),
    });
    connection.setOnline(this.#online);
    connection.setTopics(registry.topicsOn(name));
    return { connection, graceTimer: new Timer(this.env.clock) };
  }

  #graceIfAlone(name: string): void {
    const entry = this.#connections.get(name);
    if (!entry || this.#registry.tabsOn(name).length > 0) return;
    entry.graceTimer.start(entry.connection.options.gracePeriod, () => {
      entry.connection.close(1000, '', 'released');
      this.#connections.delete(name);
    });
  }

  #snapshot(name: string, { connection }: Entry): ConnectionSnapshot {
    return {
      name,
      url: connection.options.url,
      state: connection.state,
      generation: connection.generation,
      failedAttempts: connection.failedAttempts,
      queued: connection.queued,
      tabs: this.#registry.tabsOn(name),
    };
  }
}

function failure(error: TabSocketError): { ok: false; error: ReturnType<typeof serializeError> } {
  return { ok: false, error: serializeError(error) };
}

function notAttached(tabId: string): Outcome<never> {
  return failure(new ReleasedError(`tabsocket: tab ${tabId} is not attached to the worker`));
}
