import type { TabSocketServer } from 'tabsocket/server';

/** What a reference server saw of its sockets, as the test runs. */
export interface SocketWatch {
  /** Sockets open now. */
  readonly open: number;
  /** When each socket opened, epoch ms, in order: its length is the count opened in all. */
  readonly openedAt: readonly number[];
  /** The most sockets open at any one time so far. */
  readonly mostOpen: number;
  /**
   * The longest time, in ms, that more than one socket was open. When an owner dies, the
   * browser closes its socket as the next owner gets the lock: the old socket's close may
   * reach the server a moment after the new one's handshake. Two owners would show seconds.
   */
  readonly longestOverlap: number;
}

/** How long `longestOverlap` may be: the old socket's close is on its way, no more. */
export const CLOSE_IN_FLIGHT_MS = 100;

/** Starts watching `server`'s sockets: call it before any tab connects. */
export function watchSockets(server: TabSocketServer): SocketWatch {
  const openedAt: number[] = [];
  let open = 0;
  let mostOpen = 0;
  let overlapSince: number | undefined;
  let longestOverlap = 0;
  server.on('connection', () => {
    openedAt.push(Date.now());
    open += 1;
    mostOpen = Math.max(mostOpen, open);
    if (open > 1) overlapSince ??= Date.now();
  });
  server.on('disconnection', () => {
    open -= 1;
    if (open <= 1 && overlapSince !== undefined) {
      longestOverlap = Math.max(longestOverlap, Date.now() - overlapSince);
      overlapSince = undefined;
    }
  });
  return {
    get open() {
      return open;
    },
    openedAt,
    get mostOpen() {
      return mostOpen;
    },
    get longestOverlap() {
      return overlapSince === undefined
        ? longestOverlap
        : Math.max(longestOverlap, Date.now() - overlapSince);
    },
  };
}
