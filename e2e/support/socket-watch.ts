import type { TabSocketServer } from 'tabsocket/server';

/** What a reference server saw of its sockets, as the test runs. */
export interface SocketWatch {
  /** Sockets open now. */
  readonly open: number;
  /** When each socket opened, epoch ms, in order: its length is the count opened in all. */
  readonly openedAt: readonly number[];
  /** The most sockets open at any one time so far. */
  readonly mostOpen: number;
}

/** Starts watching `server`'s sockets: call it before any tab connects. */
export function watchSockets(server: TabSocketServer): SocketWatch {
  const openedAt: number[] = [];
  let mostOpen = 0;
  server.on('connection', () => {
    openedAt.push(Date.now());
    mostOpen = Math.max(mostOpen, server.wss.clients.size);
  });
  return {
    get open() {
      return server.wss.clients.size;
    },
    openedAt,
    get mostOpen() {
      return mostOpen;
    },
  };
}
