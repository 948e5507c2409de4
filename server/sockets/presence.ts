import { EventEmitter } from 'node:events';
import type { Clock } from '../../protocol/clock';
import { nodeClock } from '../node-clock';
import type {
  OfflineEntry,
  OnlineEntry,
  PresenceCounts,
  PresenceEntry,
  PresenceStore,
} from '../stores/presence-store';

export interface PresenceEvents {
  /** A user's first socket opened. */
  online: [entry: OnlineEntry];
  /** A user's last socket closed. */
  offline: [entry: OfflineEntry];
  /** The store or a listener failed; with no `error` listener it becomes a process warning. */
  error: [error: unknown];
}

/**
 * Who is online, as the server's sockets open and close: turns socket changes into
 * `online` / `offline` events and answers queries from the store.
 *
 * A store may be remote, so a user's changes are applied one after the other: a socket that
 * opens and closes at once must not have its close reach the store before its open.
 */
export class Presence extends EventEmitter<PresenceEvents> {
  readonly #store: PresenceStore;
  readonly #clock: Clock;
  /** The tail of each user's chain of pending store changes. */
  readonly #pending = new Map<string, Promise<void>>();

  /** `clock` tells the times of `since` and `lastSeen`. */
  constructor(store: PresenceStore, clock: Clock = nodeClock) {
    super();
    this.#store = store;
    this.#clock = clock;
    store.onOffline?.((entry) => this.emit('offline', entry));
    store.onOnline?.((entry) => this.emit('online', entry));
  }

  /** Called by the server when a socket of `userId` opens. */
  join(userId: string, socketId: string): Promise<void> {
    const at = this.#clock.now();
    return this.#enqueue(userId, async () => {
      const entry = await this.#store.addSocket(userId, socketId, at);
      if (entry) this.emit('online', entry);
    });
  }

  /** Called by the server when a socket of `userId` closes. */
  leave(userId: string, socketId: string): Promise<void> {
    const at = this.#clock.now();
    return this.#enqueue(userId, async () => {
      const entry = await this.#store.removeSocket(userId, socketId, at);
      if (entry) this.emit('offline', entry);
    });
  }

  /** The user's entry once their pending changes have reached the store. */
  async get(userId: string): Promise<PresenceEntry | undefined> {
    await this.#pending.get(userId);
    return this.#store.get(userId);
  }

  async list(): Promise<PresenceEntry[]> {
    await this.settled();
    return this.#store.list();
  }

  async counts(): Promise<PresenceCounts> {
    await this.settled();
    return this.#store.counts();
  }

  /** Resolves when every change made so far has reached the store. */
  async settled(): Promise<void> {
    await Promise.all(this.#pending.values());
  }

  #enqueue(userId: string, change: () => Promise<void>): Promise<void> {
    const previous = this.#pending.get(userId) ?? Promise.resolve();
    const next = previous.then(change).catch((error: unknown) => this.#report(error));
    this.#pending.set(userId, next);
    void next.then(() => {
      if (this.#pending.get(userId) === next) this.#pending.delete(userId);
    });
    return next;
  }

  #report(error: unknown): void {
    if (this.listenerCount('error') > 0) {
      this.emit('error', error);
      return;
    }
    process.emitWarning(
      error instanceof Error ? error : new Error(String(error)),
      'TabSocketPresenceWarning',
    );
  }
}
