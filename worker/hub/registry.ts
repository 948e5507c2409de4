import { tabLockName } from '../../protocol/locks';
import type { Interest, InterestUpdate, TabEvent, TabEventMessage } from '../../protocol/tab-hub';
import type { LockWaiter, ScheduleTask } from '../platform';
import { FrameBatcher } from '../share/frame-batcher';
import { before } from '../share/recent-frames';
import type { TabFrame } from '../socket/inbound-frame';
import type { UnionView } from '../socket/wire-limits';

/** Where events for one tab go: its end of the SharedWorker port. */
export interface TabPort {
  postMessage(message: TabEventMessage): void;
}

/** Posts an event to a tab, wrapped as every message to a tab is. */
export function tellTab(port: TabPort, event: TabEvent): void {
  port.postMessage({ tabsocket: event });
}

/** What one tab wants of one connection, as the hub looks it up for each frame. */
interface Wants {
  all: boolean;
  topics: Set<string>;
  /** The tab's `opened` is not posted yet: it hears no pushes (`hear`). */
  opening?: true | undefined;
  /** A resync was posted on the connection while the tab was opening: its page dropped it. */
  resyncUnheard?: true | undefined;
  /** Its open came without a cursor, made then (its `since`): a push heard before is not its own. */
  since?: number | undefined;
  /** When its last open was made: its `since`, or when a cursor's reached this hub. */
  at: number;
}

interface Tab {
  port: TabPort;
  /** Connection name → what this tab wants of it. */
  joined: Map<string, Wants>;
  stopWatching: AbortController;
}

const NO_INTEREST: Interest = { all: false, topics: [] };
const NO_TOPICS: ReadonlyMap<string, number> = new Map();

/**
 * The tabs attached to the worker, the connections each has joined and what each wants to
 * receive. It learns that a tab is gone by waiting on the tab's Web Lock, and then calls
 * `onGone` once.
 */
export class TabRegistry {
  readonly #tabs = new Map<string, Tab>();
  /** Connection name → topic → how many of its tabs want it: the union, kept per change. */
  readonly #topicCounts = new Map<string, Map<string, number>>();
  readonly #batcher: FrameBatcher<TabPort>;

  constructor(
    private readonly locks: LockWaiter | undefined,
    private readonly onGone: (tabId: string) => void,
    schedule: ScheduleTask,
  ) {
    this.#batcher = new FrameBatcher(schedule, tellTab);
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
    for (const [name, wants] of tab.joined) this.#count(name, wants.topics, -1);
    return [...tab.joined.keys()];
  }

  /**
   * `interest` until the tab says what it wants: nothing, or, for a tab coming back (or one
   * whose open waits, caught up with everything), everything.
   * Answers what the tab joined as, for `isJoinedAs`; none when it had joined already.
   * `since`: the open's, made without a cursor then; `at`: when the open was made; `now`: the
   * hub's clock, which dates are read as (`before`).
   */
  join(
    tabId: string,
    name: string,
    interest = NO_INTEREST,
    opening?: true,
    since?: number,
    at = since ?? 0,
    now?: number,
  ): object | undefined {
    const tab = this.#tabs.get(tabId);
    const known = tab?.joined.get(name);
    // Made after the tab's last open: the page connected anew (a new login, its release of
    // the old one skipped as it came in the same task), not a handle joining its group.
    // (No `since`, no later open: `undefined` compares false.) Read as the clock stood at the
    // later of the hub's now and the new open: an open past both was made before a step back
    // (review 25g), and the new one, read just before a step, is no older for it (review 25s).
    const readAt = Math.max(now as number, since as number);
    if (known && before(known.at, since as number, readAt))
      known.since = known.at = since as number;
    if (!tab || known) return undefined;
    const topics = new Set(interest.topics);
    const wants: Wants = { all: interest.all, topics, opening, since, at };
    tab.joined.set(name, wants);
    this.#count(name, topics, 1);
    return wants;
  }

  /** Whether the tab is on `name` still as `join` answered `joined`: not released and joined again since. */
  isJoinedAs(tabId: string, name: string, joined: object): boolean {
    return this.#tabs.get(tabId)?.joined.get(name) === joined;
  }

  /**
   * The tab's open of `name` was taken: it hears the pushes from now on. Answers whether a
   * resync was posted on `name` meanwhile: the tab's page drops the events before `opened`.
   */
  hear(tabId: string, name: string): boolean {
    const wants = this.#tabs.get(tabId)?.joined.get(name);
    if (!wants) return false;
    const unheard = wants.resyncUnheard === true;
    delete wants.opening;
    delete wants.resyncUnheard;
    return unheard;
  }

  /** The tab leaves one connection; answers whether it had joined it. */
  release(tabId: string, name: string): boolean {
    const tab = this.#tabs.get(tabId);
    const wants = tab?.joined.get(name);
    if (!tab || !wants) return false;
    tab.joined.delete(name);
    this.#count(name, wants.topics, -1);
    return true;
  }

  /**
   * Applies a tab's update (the whole interest, or a diff) in the time of its size;
   * answers whether the union of topics on `name` changed.
   */
  setInterest(tabId: string, name: string, update: InterestUpdate): boolean {
    const wants = this.#tabs.get(tabId)?.joined.get(name);
    if (!wants) return false;
    wants.all = update.all;
    let add: readonly string[];
    let remove: readonly string[];
    if ('topics' in update) {
      const next = new Set(update.topics);
      add = update.topics;
      remove = [...wants.topics].filter((topic) => !next.has(topic));
    } else {
      ({ add, remove } = update);
    }
    // Only what the tab did not hold (did hold) counts: a list may name a topic twice.
    const added: string[] = [];
    for (const topic of add) {
      if (!wants.topics.has(topic)) added.push(topic);
      wants.topics.add(topic);
    }
    const removed = remove.filter((topic) => wants.topics.delete(topic));
    const entered = this.#count(name, added, 1);
    const left = this.#count(name, removed, -1);
    return entered || left;
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
    return [...(this.#topicCounts.get(name)?.keys() ?? [])];
  }

  /**
   * What an update of `tabId`'s interest on `name` is fitted to (`fitInterest`): the topics
   * the tab holds, and the union with how many tabs want each. Undefined: not joined.
   */
  interestOn(tabId: string, name: string): UnionView | undefined {
    const wants = this.#tabs.get(tabId)?.joined.get(name);
    if (!wants) return undefined;
    return { held: wants.topics, union: this.#topicCounts.get(name) ?? NO_TOPICS };
  }

  /** Counts `topics` in or out of the union on `name`; answers whether a topic entered or left it. */
  #count(name: string, topics: Iterable<string>, by: 1 | -1): boolean {
    let counts = this.#topicCounts.get(name);
    if (!counts) {
      counts = new Map();
      this.#topicCounts.set(name, counts);
    }
    let changed = false;
    for (const topic of topics) {
      const count = (counts.get(topic) ?? 0) + by;
      if (count > 0) counts.set(topic, count);
      else counts.delete(topic);
      changed ||= count === 0 || (by === 1 && count === 1);
    }
    if (counts.size === 0) this.#topicCounts.delete(name);
    return changed;
  }

  /** Posts the frames gathered for the next task now: what a tab is told next counts them. */
  flush(): void {
    this.#batcher.flush();
  }

  /** Sends an event to every tab that has joined `name`, after the frames before it. */
  post(name: string, event: TabEvent): void {
    this.#batcher.flush();
    for (const tab of this.#tabs.values()) {
      const wants = tab.joined.get(name);
      if (!wants) continue;
      tellTab(tab.port, event);
      if (wants.opening && event.kind === 'resync') wants.resyncUnheard = true;
    }
  }

  /** Sends an event to one tab, after the frames before it. */
  postTo(tabId: string, event: TabEvent): void {
    this.#batcher.flush();
    const tab = this.#tabs.get(tabId);
    if (tab) tellTab(tab.port, event);
  }

  /**
   * Sends a frame once to each tab on `name` that wants everything or the frame's topic;
   * the other tabs on `name` are told a push's number (see `FrameBatcher.add`), and so is a
   * tab whose open without a cursor was made after the socket heard it (`TabFrame.at`, as
   * `RecentFrames.heardSince` counts): it came late, on a lagging channel or in the catch-up
   * of a join for this hub's earlier tabs, and may be of a login a logout ended before this
   * tab's app opened it (review 23l). Both dates as read at `now` (`before`).
   */
  deliver(name: string, frame: TabFrame, now?: number): void {
    const ports: TabPort[] = [];
    let passedOver: TabPort[] | undefined;
    for (const tab of this.#tabs.values()) {
      const interest = tab.joined.get(name);
      if (!interest || interest.opening) continue;
      // A frame or a tab not dated (of an earlier build) compares false: wanted as before.
      if (!before(frame.at as number, interest.since as number, now)) {
        // Heard after the open only as the clock stepped back between them: it stands for
        // the open from now on, as the clock comes back to the open's reading (25b).
        if ((frame.at as number) < (interest.since as number)) interest.since = frame.at;
        if (interest.all || (frame.topic !== undefined && interest.topics.has(frame.topic))) {
          ports.push(tab.port);
          continue;
        }
      }
      if (frame.seq !== undefined) {
        passedOver ??= [];
        passedOver.push(tab.port);
      }
    }
    this.#batcher.add(ports, name, frame, passedOver);
  }
}
