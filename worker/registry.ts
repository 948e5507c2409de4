import { tabLockName } from '../protocol/locks';
import type { Interest, TabEvent, TabEventMessage } from '../protocol/tab-hub';
import { FrameBatcher, type ScheduleTask } from './frame-batcher';
import type { TabFrame } from './inbound-frame';

/** Where events for one tab go: its end of the SharedWorker port. */
export interface TabPort {
  postMessage(message: TabEventMessage): void;
}

/** The part of `navigator.locks` the registry uses. */
export interface LockWaiter {
  request(
    name: string,
    options: { mode?: 'shared' | 'exclusive'; signal?: AbortSignal },
    callback: () => unknown,
  ): Promise<unknown>;
}

interface Tab {
  port: TabPort;
  /** Connection name → what this tab wants of it. */
  joined: Map<string, Interest>;
  stopWatching: AbortController;
}

const NO_INTEREST: Interest = { all: false, topics: [] };

/**
 * The tabs attached to the worker, the connections each has joined and what each wants to
 * receive. It learns that a tab is gone by waiting on the tab's Web Lock, and then calls
 * `onGone` once.
 */
export class TabRegistry {
  readonly #tabs = new Map<string, Tab>();
  readonly #batcher: FrameBatcher;

  constructor(
    private readonly locks: LockWaiter | undefined,
    private readonly onGone: (tabId: string) => void,
    schedule: ScheduleTask,
  ) {
    this.#batcher = new FrameBatcher(schedule);
  }

  has(tabId: string): boolean {
    return this.#tabs.has(tabId);
  }

  get size(): number {
    return this.#tabs.size;
  }

  /** Registers a tab, or gives a known tab its new port (a page restored from the bfcache). */
  add(tabId: string, port: TabPort): void {
    const known = this.#tabs.get(tabId);
    if (known) {
      known.port = port;
      return;
    }
    const stopWatching = new AbortController();
    this.#tabs.set(tabId, { port, joined: new Map(), stopWatching });
    this.locks
      ?.request(tabLockName(tabId), { signal: stopWatching.signal }, () => {
        if (this.#tabs.get(tabId)?.stopWatching === stopWatching) this.onGone(tabId);
      })
      // An abort (the tab left by itself) rejects the request: nothing to do.
      .catch(() => {});
  }

  /** Forgets a tab; answers the connections it had joined. */
  remove(tabId: string): string[] {
    const tab = this.#tabs.get(tabId);
    if (!tab) return [];
    this.#tabs.delete(tabId);
    tab.stopWatching.abort();
    return [...tab.joined.keys()];
  }

  /** `interest` until the tab says what it wants: nothing, or, for a tab coming back, everything. */
  join(tabId: string, name: string, interest = NO_INTEREST): void {
    const tab = this.#tabs.get(tabId);
    if (tab && !tab.joined.has(name)) tab.joined.set(name, interest);
  }

  /** The tab leaves one connection; answers whether it had joined it. */
  release(tabId: string, name: string): boolean {
    return this.#tabs.get(tabId)?.joined.delete(name) ?? false;
  }

  setInterest(tabId: string, name: string, interest: Interest): void {
    const tab = this.#tabs.get(tabId);
    if (tab?.joined.has(name)) tab.joined.set(name, interest);
  }

  /** Whether `tabId` has joined `name`. */
  isOn(tabId: string, name: string): boolean {
    return this.#tabs.get(tabId)?.joined.has(name) ?? false;
  }

  tabsOn(name: string): string[] {
    return [...this.#tabs].filter(([, tab]) => tab.joined.has(name)).map(([id]) => id);
  }

  /** Every topic some tab on `name` subscribes to. */
  topicsOn(name: string): string[] {
    return [...this.topicSetOn(name)];
  }

  /** The topics of the tabs on `name`, but for `exceptTab`'s own. */
  topicSetOn(name: string, exceptTab?: string): Set<string> {
    const topics = new Set<string>();
    for (const [tabId, tab] of this.#tabs) {
      if (tabId === exceptTab) continue;
      for (const topic of tab.joined.get(name)?.topics ?? []) topics.add(topic);
    }
    return topics;
  }

  /** Posts the frames gathered for the next task now: what a tab is told next counts them. */
  flush(): void {
    this.#batcher.flush();
  }

  /** Sends an event to every tab that has joined `name`, after the frames before it. */
  post(name: string, event: TabEvent): void {
    this.#batcher.flush();
    for (const tab of this.#tabs.values()) {
      if (tab.joined.has(name)) tab.port.postMessage({ tabsocket: event });
    }
  }

  /** Sends an event to one tab, after the frames before it. */
  postTo(tabId: string, event: TabEvent): void {
    this.#batcher.flush();
    this.#tabs.get(tabId)?.port.postMessage({ tabsocket: event });
  }

  /**
   * Sends a frame once to each tab on `name` that wants everything or the frame's topic;
   * the other tabs on `name` are told a push's number (see `FrameBatcher.add`).
   */
  deliver(name: string, frame: TabFrame): void {
    const ports: TabPort[] = [];
    let passedOver: TabPort[] | undefined;
    for (const tab of this.#tabs.values()) {
      const interest = tab.joined.get(name);
      if (!interest) continue;
      const wanted =
        interest.all || (frame.topic !== undefined && interest.topics.includes(frame.topic));
      if (wanted) ports.push(tab.port);
      else if (frame.seq !== undefined) {
        passedOver ??= [];
        passedOver.push(tab.port);
      }
    }
    this.#batcher.add(ports, name, frame, passedOver);
  }
}
