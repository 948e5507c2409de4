import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect as connectTcp, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { TabSocketServerOptions } from '../options';
import { type ServerEnvironment, TabSocketServer } from '../server';

/** How long any wait in these tests may take before it fails the test instead of hanging. */
export const WAIT_LIMIT_MS = 3000;

/** The server's first frame: `{"$ts":"hello","v":1,"nonce":…,"limits":{…}}`. */
export function isHello(text: string): boolean {
  return /^\{"\$ts":"hello","v":1,"nonce":"[\w-]{16,}","limits":\{[^}]*\}\}$/.test(text);
}

export interface Closed {
  code: number;
  reason: string;
}

/** A real `ws` client that keeps every text frame it receives, for assertions. */
export class TestClient {
  readonly messages: string[] = [];
  readonly closed: Promise<Closed>;
  readonly socket: WebSocket;

  constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => this.messages.push(data.toString()));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  send(data: string | object): void {
    this.socket.send(typeof data === 'string' ? data : JSON.stringify(data));
  }

  /** The first frame received (now or later) that `matches`, within the wait limit. */
  async waitForMessage(matches: (text: string) => boolean, label = 'a matching frame') {
    await waitUntil(() => this.messages.some(matches), label);
    return this.messages.find(matches) as string;
  }

  /** The nonce of the server's hello, once it came. */
  async nonce(): Promise<string> {
    const hello = await this.waitForMessage(isHello, 'hello');
    return (JSON.parse(hello) as { nonce: string }).nonce;
  }

  /**
   * Answers hello as a worker does: resume `session` after push `last` (`held`: a resume of
   * it was written before); answers once the server has (`resumed`, `resync` or an error with
   * the nonce), with that answer.
   */
  async resume(
    session: unknown,
    last: unknown = 0,
    held = false,
  ): Promise<Record<string, unknown>> {
    const nonce = await this.nonce();
    this.send({ $ts: 'resume', nonce, session, last, ...(held ? { held } : {}) });
    const answer = await this.waitForMessage(
      (text) => text.includes(`"nonce":"${nonce}"`) && !isHello(text),
      'the answer to resume',
    );
    return JSON.parse(answer) as Record<string, unknown>;
  }

  /** Sends message `frame.id` and waits for the server's ack of it. */
  async sendAcked(frame: { id: number } & Record<string, unknown>): Promise<void> {
    this.send({ $ts: 'msg', ...frame });
    await this.waitForMessage((text) => text === `{"$ts":"ack","id":${frame.id}}`, 'the ack');
  }

  /** The parsed JSON frames received so far. */
  json(): unknown[] {
    return this.messages.flatMap((text) => {
      try {
        return [JSON.parse(text)];
      } catch {
        return [];
      }
    });
  }
}

/** Polls `check` until it holds; fails with `label` after the wait limit. */
export async function waitUntil(check: () => boolean, label: string): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Rejects if `promise` takes longer than the wait limit, so no test hangs on a lost event. */
export async function within<T>(promise: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out waiting for ${label}`)), WAIT_LIMIT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts servers and clients on 127.0.0.1 and closes every one of them in `dispose()`. */
export class Harness {
  readonly #servers: TabSocketServer[] = [];
  readonly #clients: WebSocket[] = [];
  readonly #rawSockets: Socket[] = [];
  readonly #disposers: (() => Promise<void> | void)[] = [];

  /** A server on a free port (unless `options` names one to attach to); `environment` as given. */
  async start(
    options: Omit<TabSocketServerOptions, 'port' | 'host'> = {},
    environment?: ServerEnvironment,
  ): Promise<{ server: TabSocketServer; url: string; port: number }> {
    const given = options.wss ?? options.server;
    const server = new TabSocketServer(given ? options : { ...options, port: 0 }, environment);
    this.#servers.push(server);
    await within(server.listening(), 'the server to listen');
    const port = (server.address() as AddressInfo).port;
    return { server, url: `ws://127.0.0.1:${port}`, port };
  }

  /** Registers something else to close after the test. */
  onDispose(dispose: () => Promise<void> | void): void {
    this.#disposers.push(dispose);
  }

  /** An open client; rejects if the upgrade is refused. */
  async connect(url: string): Promise<TestClient> {
    const socket = new WebSocket(url);
    const client = new TestClient(socket);
    this.#clients.push(socket);
    await within(once(socket, 'open'), `${url} to open`);
    return client;
  }

  /** A client on `url` that resumed `session` from `last` (see `TestClient.resume`), and the answer. */
  async resumed(url: string, session: string, last = 0, held = false) {
    const client = await this.connect(url);
    const answer = await client.resume(session, last, held);
    return { client, answer };
  }

  /** A client whose upgrade is expected to fail: answers the HTTP status the server gave. */
  async refusedStatus(url: string): Promise<number> {
    const socket = new WebSocket(url);
    this.#clients.push(socket);
    socket.on('error', () => {});
    const [, response] = await within(once(socket, 'unexpected-response'), 'a refused upgrade');
    socket.terminate();
    return (response as { statusCode: number }).statusCode;
  }

  /**
   * A peer that completes the upgrade by hand and then goes silent: it stops reading and
   * never answers a ping, like a browser whose machine lost power.
   */
  async silentPeer(port: number, path: string): Promise<Socket> {
    const socket = connectTcp(port, '127.0.0.1');
    this.#rawSockets.push(socket);
    socket.on('error', () => {});
    await within(once(socket, 'connect'), 'the raw TCP connect');
    socket.write(
      [
        `GET ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
    const [head] = await within(once(socket, 'data'), 'the upgrade response');
    if (!String(head).startsWith('HTTP/1.1 101')) throw new Error(`Upgrade refused: ${head}`);
    socket.pause();
    return socket;
  }

  async dispose(): Promise<void> {
    for (const socket of this.#clients) socket.terminate();
    for (const socket of this.#rawSockets) socket.destroy();
    await Promise.all(this.#servers.map((server) => server.close()));
    for (const dispose of this.#disposers.splice(0)) await dispose();
    this.#clients.length = 0;
    this.#rawSockets.length = 0;
    this.#servers.length = 0;
  }
}

/** Reads `?user=` and, when given, `?login=`: a server that names logins (`{ user, login }`). */
export function userAndLogin(request: { url?: string | undefined }) {
  const params = new URL(request.url ?? '/', 'http://localhost').searchParams;
  const user = params.get('user');
  const login = params.get('login');
  if (!user) return null;
  return login ? { user, login } : user;
}

/** Reads the user id from `?token=`, as an app would read a session token. */
export function tokenFromQuery(request: { url?: string | undefined }): string | null {
  return new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
}
