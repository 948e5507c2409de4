/**
 * Where presence lives. Every method is async so a store shared by several server
 * processes (Redis) fits behind it without touching callers. Socket ids are unique across
 * processes, so a user with sockets on two processes counts once.
 *
 * Times are epoch milliseconds, so entries survive a round trip through JSON.
 */

/** A user with at least one open socket. */
export interface OnlineEntry {
  userId: string;
  online: true;
  /** When the first of the user's current sockets opened. */
  since: number;
  /** How many sockets the user has open, across every process sharing the store. */
  sockets: number;
}

/** A user whose last socket closed. */
export interface OfflineEntry {
  userId: string;
  online: false;
  /** When the last socket closed. */
  lastSeen: number;
}

export type PresenceEntry = OnlineEntry | OfflineEntry;

export interface PresenceCounts {
  online: number;
  /** Users remembered as gone (a store may forget the oldest). */
  offline: number;
}

export interface PresenceStore {
  /**
   * Records that socket `socketId` of `userId` opened at `at`. Answers the user's entry when
   * this was their first socket (they just came online), else `null`.
   */
  addSocket(userId: string, socketId: string, at: number): Promise<OnlineEntry | null>;
  /**
   * Records that the socket closed at `at`. Answers the user's entry when this was their last
   * socket (they just went offline), else `null`; an unknown socket changes nothing.
   */
  removeSocket(userId: string, socketId: string, at: number): Promise<OfflineEntry | null>;
  get(userId: string): Promise<PresenceEntry | undefined>;
  /** Online users first, then those gone, most recently seen first. */
  list(): Promise<PresenceEntry[]>;
  counts(): Promise<PresenceCounts>;
  /**
   * Optional, for a store shared by several processes: calls `listener` for each user who
   * went offline without a `removeSocket`, because the process holding their last socket
   * stopped (killed, cut off). `Presence` turns these into `offline` events.
   */
  onOffline?(listener: (entry: OfflineEntry) => void): void;
  /**
   * Optional, the other way: calls `listener` for each user back online without an
   * `addSocket`, because this process, taken for stopped (cut off from the store for too
   * long), recorded its open sockets again.
   */
  onOnline?(listener: (entry: OnlineEntry) => void): void;
}
