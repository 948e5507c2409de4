import { systemClock } from '../../protocol/clock';
import type { SocketData } from '../../protocol/tab-hub';
import type { Environment, SocketLike } from '../platform';

/**
 * A WebSocket the test drives by hand: `accept()` completes the handshake, `receive()` is
 * a frame from the server, `drop()` is the server or network closing it. Its own `close()`
 * only records the call and fires nothing, as on a half-open socket.
 */
export class FakeSocket implements SocketLike {
  readyState = 0;
  binaryType: BinaryType = 'blob';
  readonly sent: SocketData[] = [];
  readonly closeCalls: Array<{ code: number | undefined; reason: string | undefined }> = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  send(data: SocketData): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    this.readyState = 2;
  }

  accept(): void {
    this.readyState = 1;
    this.onopen?.({ type: 'open' } as Event);
  }

  receive(data: unknown): void {
    this.onmessage?.({ type: 'message', data } as MessageEvent);
  }

  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ type: 'close', code, reason, wasClean: code !== 1006 } as CloseEvent);
  }

  /** The frames sent that are not heartbeat pings. */
  appFrames(ping = 'ping'): SocketData[] {
    return this.sent.filter((frame) => frame !== ping);
  }
}

/** An environment whose sockets are FakeSockets and whose randomness is fixed. */
export function fakeEnvironment(random = () => 0.5) {
  const sockets: FakeSocket[] = [];
  const env: Environment = {
    clock: systemClock,
    random,
    createSocket: (url, protocols) => {
      const socket = new FakeSocket(url, protocols);
      sockets.push(socket);
      return socket;
    },
  };
  const latest = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket was created');
    return socket;
  };
  return { env, sockets, latest };
}
