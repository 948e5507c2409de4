import { createTabSocketServer, type TabSocketServer } from 'tabsocket/server';

/** The reference server of `tabsocket/server`; a token `user-NAME` logs in as NAME. */
export interface ReferenceServer {
  server: TabSocketServer;
  port: number;
  /** The url a tab of `user` connects to: directly, or through a proxy listening on `via`. */
  urlFor(user: string, via?: number): string;
}

/** Starts one on a free loopback port; the caller closes `server`. */
export async function startReferenceServer(): Promise<ReferenceServer> {
  const server = createTabSocketServer({
    port: 0,
    host: '127.0.0.1',
    authenticate: (request) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      return token.startsWith('user-') ? token.slice('user-'.length) : null;
    },
  });
  await server.listening();
  const { port } = server.address() as { port: number };
  return {
    server,
    port,
    urlFor: (user, via = port) => `ws://127.0.0.1:${via}/?token=user-${user}`,
  };
}
