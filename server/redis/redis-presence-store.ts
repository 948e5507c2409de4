import { randomUUID } from 'node:crypto';
import { duration, integer } from '../../protocol/option-checks';
import type {
  OfflineEntry,
  OnlineEntry,
  PresenceCounts,
  PresenceEntry,
  PresenceStore,
} from '../stores';
import { ADD_SOCKET, BEAT, GET, LIST, REAP, REMOVE_SOCKET } from './presence-scripts';
import type { RedisCommandClient } from './redis-replay-store';

export interface RedisPresenceOptions {
  /** The same prefix as the other stores'. Default `'tabsocket:'`. */
  prefix?: string;
  /** Milliseconds between this server's heartbeats, and between its reaps. Default 5000. */
  heartbeat?: number;
  /**
   * Milliseconds without a heartbeat after which a server's sockets are taken as closed
   * (at its last heartbeat). Default 15000: a killed server's users go offline within
   * `timeout + heartbeat` ms.
   */
  timeout?: number;
  /** Last-seen times kept at most; the oldest is forgotten first. Default 10000. */
  maxOfflineUsers?: number;
  /** A heartbeat or reap failed (Redis unreachable). Default: a process warning. */
  onError?: (error: unknown) => void;
}

/**
 * Presence shared by every server on one Redis: a user with sockets on two servers counts
 * once, and `online` and `offline` come from the one server whose socket change made them
 * (exactly one, by atomic scripts). Each server beats every `heartbeat` ms; every server
 * reaps the sockets of servers silent for `timeout` ms, so the users of a killed server go
 * offline within `timeout + heartbeat` ms, reported by the server that reaped them.
 *
 * Owns two timers (unref'd); `close()` stops them and takes this server's heartbeat away.
 */
export class RedisPresenceStore implements PresenceStore {
  readonly #client: RedisCommandClient;
  readonly #prefix: string;
  readonly #node = randomUUID();
  readonly #timeout: string;
  readonly #maxOfflineUsers: string;
  readonly #onError: (error: unknown) => void;
  readonly #offlineListeners: ((entry: OfflineEntry) => void)[] = [];
  readonly #onlineListeners: ((entry: OnlineEntry) => void)[] = [];
  /** The sockets recorded through this store and not removed: recorded again if reaped. */
  readonly #held = new Map<string, { userId: string; at: number }>();
  readonly #timer: NodeJS.Timeout;

  constructor(client: RedisCommandClient, options: RedisPresenceOptions = {}) {
    const heartbeat = options.heartbeat ?? 5_000;
    const timeout = options.timeout ?? 15_000;
    const maxOfflineUsers = options.maxOfflineUsers ?? 10_000;
    duration(1)(heartbeat, 'heartbeat');
    duration(heartbeat)(timeout, 'timeout');
    integer(0)(maxOfflineUsers, 'maxOfflineUsers');
    this.#client = client;
    this.#prefix = options.prefix ?? 'tabsocket:';
    this.#timeout = String(timeout);
    this.#maxOfflineUsers = String(maxOfflineUsers);
    this.#onError =
      options.onError ??
      ((error) =>
        process.emitWarning(
          error instanceof Error ? error : new Error(String(error)),
          'TabSocketPresenceWarning',
        ));
    this.#tick();
    this.#timer = setInterval(this.#tick, heartbeat);
    this.#timer.unref();
  }

  async addSocket(userId: string, socketId: string, at: number): Promise<OnlineEntry | null> {
    this.#held.set(socketId, { userId, at });
    const first = await this.#eval(ADD_SOCKET, [userId, socketId, this.#node, String(at)]);
    return Number(first) === 1 ? { userId, online: true, since: at, sockets: 1 } : null;
  }

  async removeSocket(userId: string, socketId: string, at: number): Promise<OfflineEntry | null> {
    this.#held.delete(socketId);
    const last = await this.#eval(REMOVE_SOCKET, [
      userId,
      socketId,
      this.#node,
      String(at),
      this.#maxOfflineUsers,
    ]);
    return Number(last) === 1 ? { userId, online: false, lastSeen: at } : null;
  }

  async get(userId: string): Promise<PresenceEntry | undefined> {
    const [sockets, since, lastSeen] = (await this.#eval(GET, [userId])) as unknown[];
    if (Number(sockets) > 0 && since != null) {
      return { userId, online: true, since: Number(since), sockets: Number(sockets) };
    }
    return lastSeen == null ? undefined : { userId, online: false, lastSeen: Number(lastSeen) };
  }

  async list(): Promise<PresenceEntry[]> {
    const reply = (await this.#eval(LIST, [])) as unknown[];
    const online = Number(reply[0]);
    const entries: PresenceEntry[] = [];
    let index = 1;
    for (let n = 0; n < online; n++, index += 3) {
      entries.push({
        userId: String(reply[index]),
        online: true,
        since: Number(reply[index + 1]),
        sockets: Number(reply[index + 2]),
      });
    }
    for (; index < reply.length; index += 2) {
      entries.push({
        userId: String(reply[index]),
        online: false,
        lastSeen: Number(reply[index + 1]),
      });
    }
    return entries;
  }

  async counts(): Promise<PresenceCounts> {
    const [online, offline] = await Promise.all([
      this.#client.sendCommand(['ZCARD', `${this.#prefix}presence:online`]),
      this.#client.sendCommand(['ZCARD', `${this.#prefix}presence:seen`]),
    ]);
    return { online: Number(online), offline: Number(offline) };
  }

  onOffline(listener: (entry: OfflineEntry) => void): void {
    this.#offlineListeners.push(listener);
  }

  onOnline(listener: (entry: OnlineEntry) => void): void {
    this.#onlineListeners.push(listener);
  }

  /**
   * Beats once more (recording this server's sockets again if another server reaped them
   * while it could not beat), then reaps the servers that stopped beating.
   */
  async reap(): Promise<void> {
    const known = Number(await this.#eval(BEAT, [this.#node])) === 1;
    if (!known && this.#held.size > 0) {
      for (const [socketId, { userId }] of Array.from(this.#held)) {
        // Checked as the command goes: a socket removed since goes after it, in order.
        if (!this.#held.has(socketId)) continue;
        const at = Date.now();
        const first = await this.#eval(ADD_SOCKET, [userId, socketId, this.#node, String(at)]);
        if (Number(first) !== 1) continue;
        const entry: OnlineEntry = { userId, online: true, since: at, sockets: 1 };
        for (const listener of this.#onlineListeners) listener(entry);
      }
    }
    const reply = (await this.#eval(REAP, [this.#timeout, this.#maxOfflineUsers])) as unknown[];
    for (let index = 0; index < reply.length; index += 2) {
      const entry: OfflineEntry = {
        userId: String(reply[index]),
        online: false,
        lastSeen: Number(reply[index + 1]),
      };
      for (const listener of this.#offlineListeners) listener(entry);
    }
  }

  /**
   * Stops the heartbeat. The sockets still recorded for this server are reaped by the
   * others after `timeout`; close the server first (its sockets' departures are recorded).
   */
  close(): void {
    clearInterval(this.#timer);
  }

  readonly #tick = (): void => {
    this.reap().catch(this.#onError);
  };

  #eval(script: string, args: string[]): Promise<unknown> {
    return this.#client.sendCommand(['EVAL', script, '0', this.#prefix, ...args]);
  }
}
