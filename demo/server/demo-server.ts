import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { createClient } from 'redis';
import { MemoryPresenceStore } from 'tabsocket/server';
import { RedisPresenceStore } from 'tabsocket/server/redis';
import type { DemoConfig } from '../api';
import { Feed } from './feed';
import { requestUrl } from './http-json';
import { RedisBackend } from './redis-backend';
import { createRequestHandler } from './routes';
import { Sessions } from './sessions';
import { SocketHost } from './socket-host';

type RedisClient = ReturnType<typeof createClient>;

export interface DemoServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The nodes of a cluster share their login tokens (a real app would sign them). */
  sessions?: Sessions;
  /** A node of a cluster: sessions and presence in Redis, publishes to every node. */
  redis?: { client: RedisClient; prefix: string };
  /** Push the clock ticks (default true; one node of a cluster ticks for all). */
  clock?: boolean;
  /** The port the page connects its socket to, when not this server's (a proxy's). */
  wsPort?: number;
}

export interface DemoServer {
  readonly port: number;
  close(): Promise<void>;
}

const WS_PATH = '/ws';
/** Long enough to see the tabs back off, short enough not to bore. */
const RESTART_DOWNTIME_MS = 2000;

/**
 * The demo's backend on one port: the JSON API under /api and the tabsocket server on /ws,
 * which authenticates each upgrade by the login token in its query.
 */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const sessions = options.sessions ?? new Sessions();
  const http = createServer();
  const redis = options.redis
    ? await RedisBackend.connect(options.redis.client, options.redis.prefix)
    : undefined;
  const host = new SocketHost({
    http,
    path: WS_PATH,
    authenticate: (request) =>
      sessions.identityOf(requestUrl(request)?.searchParams.get('token') ?? null),
    presenceStore: options.redis
      ? new RedisPresenceStore(options.redis.client, {
          prefix: options.redis.prefix,
          maxOfflineUsers: 100,
        })
      : new MemoryPresenceStore({ maxOfflineUsers: 100 }),
    restartDowntimeMs: RESTART_DOWNTIME_MS,
    ...(redis ? { redis } : {}),
  });
  const feed = new Feed(host);
  let port = options.port;
  const config = (): DemoConfig => ({ wsPort: options.wsPort ?? port, wsPath: WS_PATH });

  http.on(
    'request',
    createRequestHandler({ sessions, host, feed, config, restartDowntimeMs: RESTART_DOWNTIME_MS }),
  );
  // A malformed request gets a 400 instead of an 'error' on the server.
  http.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  try {
    http.listen(options.port, options.host ?? '127.0.0.1');
    await once(http, 'listening');
  } catch (error) {
    await host.close();
    throw error;
  }
  port = (http.address() as AddressInfo).port;
  if (options.clock ?? true) feed.start();

  let closed: Promise<void> | undefined;
  return {
    port,
    close() {
      closed ??= (async () => {
        feed.stop();
        await host.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closed;
    },
  };
}
