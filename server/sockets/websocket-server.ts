import { createServer, type Server as HttpServer, type RequestListener } from 'node:http';
import { type ServerOptions, type VerifyClientCallbackAsync, WebSocketServer } from 'ws';
import type { ServerTarget } from '../options';

/**
 * The `ws` server the sockets come from, whether this server created it (and closes it), and
 * the HTTP server created here for a `port`, which takes the HTTP streams' requests too.
 */
export interface WebSocketSource {
  wss: WebSocketServer;
  owned: boolean;
  http: HttpServer | undefined;
}

/**
 * Attaches to the app's `WebSocketServer`, or creates one on a port or an HTTP(S) server,
 * with `verifyClient` (when given) deciding upgrades. On a port, the HTTP server is created
 * here, so `onRequest` answers its plain requests (ws's own answers them all with 426).
 */
export function openWebSocketServer(
  target: ServerTarget,
  verifyClient: VerifyClientCallbackAsync | undefined,
  onRequest: RequestListener,
): WebSocketSource {
  if (target.kind === 'attach') return { wss: target.wss, owned: false, http: undefined };
  const { kind, path, maxPayload } = target;
  const shared: ServerOptions = { maxPayload, ...(path === undefined ? {} : { path }) };
  if (verifyClient) shared.verifyClient = verifyClient;
  if (kind === 'server') {
    return {
      wss: new WebSocketServer({ ...shared, server: target.server }),
      owned: true,
      http: undefined,
    };
  }
  const http = createServer(onRequest);
  // ws re-emits the server's `listening` and `error`, as for a server of its own.
  const wss = new WebSocketServer({ ...shared, server: http });
  http.listen(target.port, target.host);
  return { wss, owned: true, http };
}

/** Whether `wss` takes connections now. */
export function isListening(wss: WebSocketServer): boolean {
  try {
    return wss.address() !== null;
  } catch {
    // A noServer server has no address: its owner hands it upgrades, so it is ready now.
    return true;
  }
}

/**
 * Closes a server created here, and the HTTP server created with it (which `ws` leaves open
 * when it did not create it), with the idle keep-alive connections of POSTs. The callbacks'
 * errors only say it was already closed.
 */
export async function closeWebSocketServer(source: WebSocketSource): Promise<void> {
  await new Promise<void>((resolve) => source.wss.close(() => resolve()));
  const { http } = source;
  if (!http) return;
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeAllConnections();
  await closed;
}
