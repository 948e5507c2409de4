import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net';

/** A client connection and, when it is forwarded, its connection to the target. */
interface Pair {
  client: Socket;
  upstream: Socket | undefined;
  /** Stopped forwarding: nothing passes either way and nothing is closed until `recover()`. */
  blackholed: boolean;
}

/**
 * A loopback TCP proxy that can turn into a black hole: the network fault where the peer
 * is gone but no FIN or RST ever arrives (power loss, a NAT or firewall dropping state).
 *
 * `blackhole()` stops forwarding both ways on every connection without closing either
 * side, and new connections are accepted but never forwarded, so their handshake hangs.
 * `recover()` destroys the blackholed connections and forwards new ones again.
 */
export class TcpProxy {
  readonly #pairs = new Set<Pair>();
  #blackholed = false;

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    private readonly targetPort: number,
  ) {
    server.on('connection', (client) => this.#accept(client));
  }

  /** Listens on 127.0.0.1, on a port the system picks, and forwards to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, targetPort);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Client connections the proxy holds now, forwarded or not. */
  get connections(): number {
    return this.#pairs.size;
  }

  blackhole(): void {
    this.#blackholed = true;
    for (const pair of this.#pairs) this.#swallow(pair);
  }

  recover(): void {
    this.#blackholed = false;
    for (const pair of this.#pairs) {
      if (pair.blackholed) this.#destroy(pair);
    }
  }

  async close(): Promise<void> {
    for (const pair of this.#pairs) this.#destroy(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    const pair: Pair = { client, upstream: undefined, blackholed: false };
    this.#pairs.add(pair);
    // A black hole tells nobody: while it lasts, one side's end does not reach the other,
    // which learns of it only on `recover()`.
    const ended = () => {
      if (!pair.blackholed) this.#destroy(pair);
    };
    client.on('error', ended);
    client.on('close', ended);
    if (this.#blackholed) {
      // Accepted (the TCP handshake completes) but never forwarded: the WebSocket
      // handshake hangs, as it does when the route to the server is gone.
      this.#swallow(pair);
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
    pair.upstream = upstream;
    upstream.on('error', ended);
    upstream.on('close', ended);
    client.on('data', (chunk) => {
      if (!pair.blackholed) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!pair.blackholed) client.write(chunk);
    });
  }

  /** Reads no more from either side and drops what was already read; closes nothing. */
  #swallow(pair: Pair): void {
    pair.blackholed = true;
    pair.client.pause();
    pair.upstream?.pause();
  }

  #destroy(pair: Pair): void {
    if (!this.#pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream?.destroy();
  }
}
