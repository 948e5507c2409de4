import type {
  OfflineEntry,
  OnlineEntry,
  PresenceCounts,
  PresenceEntry,
  PresenceStore,
} from '../stores';

export interface MemoryPresenceStoreOptions {
  /** Last-seen times kept at most; the oldest is forgotten first. Default 10000. */
  maxOfflineUsers?: number;
}

interface Session {
  since: number;
  sockets: Set<string>;
}

/** Presence for a single server process. */
export class MemoryPresenceStore implements PresenceStore {
  readonly #online = new Map<string, Session>();
  /** Insertion order is leave order, so the first key is the one to forget. */
  readonly #lastSeen = new Map<string, number>();
  readonly #maxOfflineUsers: number;

  constructor(options: MemoryPresenceStoreOptions = {}) {
    const { maxOfflineUsers } = { maxOfflineUsers: 10_000, ...options };
    if (!Number.isInteger(maxOfflineUsers) || maxOfflineUsers < 0) {
      throw new RangeError(
        `Invalid maxOfflineUsers: expected a non-negative integer, got ${String(maxOfflineUsers)}`,
      );
    }
    this.#maxOfflineUsers = maxOfflineUsers;
  }

  async addSocket(userId: string, socketId: string, at: number): Promise<OnlineEntry | null> {
    const session = this.#online.get(userId);
    if (session) {
      session.sockets.add(socketId);
      return null;
    }
    const started = { since: at, sockets: new Set([socketId]) };
    this.#online.set(userId, started);
    this.#lastSeen.delete(userId);
    return onlineEntry(userId, started);
  }

  async removeSocket(userId: string, socketId: string, at: number): Promise<OfflineEntry | null> {
    const session = this.#online.get(userId);
    if (!session?.sockets.delete(socketId) || session.sockets.size > 0) return null;
    this.#online.delete(userId);
    this.#lastSeen.set(userId, at);
    for (const oldest of this.#lastSeen.keys()) {
      if (this.#lastSeen.size <= this.#maxOfflineUsers) break;
      this.#lastSeen.delete(oldest);
    }
    return { userId, online: false, lastSeen: at };
  }

  async get(userId: string): Promise<PresenceEntry | undefined> {
    const session = this.#online.get(userId);
    if (session) return onlineEntry(userId, session);
    const lastSeen = this.#lastSeen.get(userId);
    return lastSeen === undefined ? undefined : { userId, online: false, lastSeen };
  }

  async list(): Promise<PresenceEntry[]> {
    const online: PresenceEntry[] = Array.from(this.#online, ([userId, session]) =>
      onlineEntry(userId, session),
    );
    const offline = Array.from(this.#lastSeen)
      .reverse()
      .map(([userId, lastSeen]): OfflineEntry => ({ userId, online: false, lastSeen }));
    return online.concat(offline);
  }

  async counts(): Promise<PresenceCounts> {
    return { online: this.#online.size, offline: this.#lastSeen.size };
  }
}

function onlineEntry(userId: string, session: Session): OnlineEntry {
  return { userId, online: true, since: session.since, sockets: session.sockets.size };
}
