/**
 * Loopback `ws` servers that close every socket right after its handshake: each accepted
 * socket is one reconnect cycle of the client. Several ports, because Chromium runs one
 * handshake per host:port at a time (see CHURN in config.ts).
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export class ChurnServers {
  /** Sockets accepted (and closed at once) on all ports. */
  cycles = 0;

  private constructor(private readonly servers: WebSocketServer[]) {
    for (const wss of servers) {
      wss.on('connection', (socket) => {
        this.cycles += 1;
        socket.close(1000);
      });
    }
  }

  static async start(ports: number): Promise<ChurnServers> {
    const servers = await Promise.all(
      Array.from({ length: ports }, async () => {
        const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
        await new Promise<void>((resolve) => wss.once('listening', resolve));
        return wss;
      }),
    );
    return new ChurnServers(servers);
  }

  get urls(): string[] {
    return this.servers.map((wss) => `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map((wss) => {
        for (const client of wss.clients) client.terminate();
        return new Promise<void>((resolve) => wss.close(() => resolve()));
      }),
    );
  }
}
