/**
 * The one loopback `ws` server every variant talks to. It counts sockets and heartbeat
 * frames, answers `ping` with `pong`, echoes a round-trip request back as a push, and can
 * blast frames at every socket as fast as each socket takes them.
 */
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { type WebSocket, WebSocketServer } from 'ws';

/** Bytes a socket may hold unsent before the blast waits for it to drain. */
const HIGH_WATER = 256 * 1024;

export class BenchServer {
  /** Sockets opened in all. */
  opened = 0;
  /** Arrival times (ms, `performance.now()`) of each socket's pings since `resetHeartbeats()`. */
  readonly #pings = new Map<WebSocket, number[]>();
  readonly #pingWaiters: Array<() => void> = [];
  readonly #wss: WebSocketServer;

  private constructor(wss: WebSocketServer) {
    this.#wss = wss;
    wss.on('connection', (socket) => this.#accept(socket));
  }

  static async start(): Promise<BenchServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new BenchServer(wss);
  }

  get port(): number {
    return (this.#wss.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  /** Sockets open now. */
  get open(): number {
    return this.#wss.clients.size;
  }

  resetHeartbeats(): void {
    for (const times of this.#pings.values()) times.length = 0;
  }

  /** Resolves once the next ping has been answered (its pong handed to the socket). */
  nextPing(): Promise<void> {
    return new Promise((resolve) => this.#pingWaiters.push(resolve));
  }

  /** Ping arrival times per open socket since `resetHeartbeats()`. */
  pingTimes(): number[][] {
    return [...this.#pings.values()].map((times) => [...times]);
  }

  /**
   * Sends `m` small JSON frames to every open socket, each as fast as it drains; resolves
   * once all are handed to the kernel. Waiting on `bufferedAmount` keeps the server from
   * buffering the whole blast in memory when a tab reads slower than we write.
   */
  async blast(m: number): Promise<void> {
    await Promise.all([...this.#wss.clients].map((socket) => pump(socket, m)));
  }

  /** Waits until no socket is open, at most `waitMs`; answers whether that happened. */
  async drained(waitMs: number): Promise<boolean> {
    const until = performance.now() + waitMs;
    while (this.open > 0 && performance.now() < until) await delay(20);
    return this.open === 0;
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(socket: WebSocket): void {
    this.opened += 1;
    const pings: number[] = [];
    this.#pings.set(socket, pings);
    socket.on('close', () => this.#pings.delete(socket));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === 'ping') {
        pings.push(performance.now());
        socket.send('pong');
        for (const resolve of this.#pingWaiters.splice(0)) resolve();
      } else if (text.startsWith('{"rtt":')) {
        socket.send(text);
      }
    });
  }
}

async function pump(socket: WebSocket, m: number): Promise<void> {
  for (let seq = 0; seq < m; seq++) {
    if (socket.readyState !== socket.OPEN) return;
    const frame = `{"seq":${seq},"v":"tick"}`;
    if (socket.bufferedAmount < HIGH_WATER) {
      socket.send(frame);
    } else {
      // The callback runs once this frame is written out: the buffer has drained by then.
      await new Promise<void>((resolve) => socket.send(frame, () => resolve()));
    }
  }
}
