import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface CountingServerOptions {
  /** Answer this text frame with `pong` (a plain server's heartbeat). Default 'ping'. */
  ping?: string | null;
  pong?: string;
}

/**
 * A plain `ws` server that knows nothing of tabsocket and counts what it sees: sockets
 * opened in all, sockets open now, and the application frames received.
 */
export class CountingServer {
  readonly received: string[] = [];
  opened = 0;
  /** Heartbeat pings answered. */
  heartbeats = 0;
  /** When each ping arrived (epoch ms), and on which socket: 1 is the first opened. */
  readonly pings: Array<{ socket: number; at: number }> = [];
  readonly #wss: WebSocketServer;

  private constructor(
    wss: WebSocketServer,
    private readonly options: Required<CountingServerOptions>,
  ) {
    this.#wss = wss;
    wss.on('connection', (socket) => {
      this.opened += 1;
      const ordinal = this.opened;
      socket.on('message', (data, isBinary) =>
        this.#onMessage(socket, ordinal, data.toString(), isBinary),
      );
    });
  }

  static async start(options: CountingServerOptions = {}): Promise<CountingServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new CountingServer(wss, { ping: 'ping', pong: 'pong', ...options });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#wss.address() as AddressInfo).port}/`;
  }

  /** Sockets open now. */
  get open(): number {
    return this.#wss.clients.size;
  }

  /** Sends `data` on every open socket; answers how many. */
  push(data: unknown): number {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    for (const client of this.#wss.clients) client.send(text);
    return this.#wss.clients.size;
  }

  /** Closes every open socket with `code`, as a server that refuses a session does. */
  closeAll(code: number, reason = ''): void {
    for (const client of this.#wss.clients) client.close(code, reason);
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #onMessage(socket: WebSocket, ordinal: number, text: string, isBinary: boolean): void {
    if (!isBinary && text === this.options.ping) {
      this.heartbeats += 1;
      this.pings.push({ socket: ordinal, at: Date.now() });
      socket.send(this.options.pong);
      return;
    }
    this.received.push(text);
  }
}
