import { type ServerOptions, type VerifyClientCallbackAsync, WebSocketServer } from 'ws';
import type { ServerTarget } from '../options';

/** The `ws` server the sockets come from, and whether this server created it (and closes it). */
export interface WebSocketSource {
  wss: WebSocketServer;
  owned: boolean;
}

/**
 * Attaches to the app's `WebSocketServer`, or creates one on a port or an HTTP(S) server,
 * with `verifyClient` (when given) deciding upgrades.
 */
export function openWebSocketServer(
  target: ServerTarget,
  verifyClient: VerifyClientCallbackAsync | undefined,
): WebSocketSource {
  if (target.kind === 'attach') return { wss: target.wss, owned: false };
  const { kind, path, maxPayload } = target;
  const shared: ServerOptions = { maxPayload, ...(path === undefined ? {} : { path }) };
  if (verifyClient) shared.verifyClient = verifyClient;
  const wss = new WebSocketServer(
    kind === 'port'
      ? { ...shared, port: target.port, host: target.host }
      : { ...shared, server: target.server },
  );
  return { wss, owned: true };
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

/** Closes a server created here. The callback's error only says it was already closed. */
export function closeWebSocketServer(wss: WebSocketServer): Promise<void> {
  return new Promise<void>((resolve) => wss.close(() => resolve()));
}
