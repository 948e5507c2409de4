import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** A socket the server let in: the token it came with, and which tab's url function got it. */
export interface Admission {
  token: string;
  from: string;
}

/**
 * A server of short-lived tokens, as an app's login backend: `GET /token?from=NAME` issues a
 * new token (CORS open, the test app is on another origin), and the WebSocket at
 * `/ws?token=T` takes each token once: an unknown or used token is closed with 4401 at once,
 * a fresh one is let in and closed with 4401 once `ttl` ms have passed. Every text frame
 * is answered `{ echo, token }`. Listens on 127.0.0.1, on a port of the system's choice.
 */
export class TokenServer {
  issued = 0;
  readonly admitted: Admission[] = [];
  readonly refused: string[] = [];
  /** Frames received, with the token of the socket they came on. */
  readonly received: Array<{ data: string; token: string }> = [];
  readonly #issuedBy = new Map<string, string>();
  readonly #expiries = new Set<ReturnType<typeof setTimeout>>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    ttl: number,
  ) {
    http.on('request', (request, response) => {
      const from = new URL(request.url ?? '/', 'http://x').searchParams.get('from') ?? '?';
      this.issued += 1;
      const token = `t${this.issued}`;
      this.#issuedBy.set(token, from);
      response.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
      response.end(token);
    });
    wss.on('connection', (socket, request) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      const from = this.#issuedBy.get(token);
      if (from === undefined) {
        this.refused.push(token);
        socket.close(4401, 'token refused');
        return;
      }
      this.#issuedBy.delete(token);
      this.admitted.push({ token, from });
      const expiry = setTimeout(() => socket.close(4401, 'token expired'), ttl);
      this.#expiries.add(expiry);
      socket.on('close', () => {
        clearTimeout(expiry);
        this.#expiries.delete(expiry);
      });
      socket.on('message', (data) => {
        this.received.push({ data: data.toString(), token });
        socket.send(JSON.stringify({ echo: data.toString(), token }));
      });
    });
  }

  static async start(ttl: number): Promise<TokenServer> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/ws' });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return new TokenServer(http, wss, ttl);
  }

  /** Where tokens are issued: `${httpUrl}/token`. */
  get httpUrl(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Sockets open now. */
  get open(): number {
    return this.wss.clients.size;
  }

  /** Issues a token to the test itself, as a page that fetched one once would have. */
  issue(from: string): string {
    this.issued += 1;
    const token = `t${this.issued}`;
    this.#issuedBy.set(token, from);
    return token;
  }

  async close(): Promise<void> {
    for (const expiry of this.#expiries) clearTimeout(expiry);
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
