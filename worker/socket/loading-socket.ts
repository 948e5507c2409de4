import type { SocketData } from '../../protocol/tab-hub';
import type { SocketLike, StreamMaker } from '../platform';
import { socketEvent } from './socket-event';

const CONNECTING = 0;
const CLOSED = 3;
const CLOSE_ABNORMAL = 1006;

/**
 * `loading`: the stream's module is on its way; `ready`: its socket plays the part;
 * `closed`: closed before the module came (the module is then dropped, no socket made),
 * or the module did not load.
 */
type Stage = { kind: 'loading' } | { kind: 'ready'; socket: SocketLike } | { kind: 'closed' };

/**
 * A stream attempt whose module is still loading (`Environment.loadStream`): a socket that
 * is connecting until the module came, then the stream's socket, whose events it passes on.
 * The connection's connect timeout covers the load. A module that does not load (offline, a
 * 404 after a deploy) closes it with 1006, as a stream that never opened: a failed attempt.
 * Closed while loading, it makes no socket when the module comes.
 */
export class LoadingSocket implements SocketLike {
  binaryType: BinaryType = 'arraybuffer';
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  #stage: Stage = { kind: 'loading' };

  constructor(url: string, maker: Promise<StreamMaker>) {
    maker.then(
      (make) => this.#loaded(make, url),
      () => this.#failed(),
    );
  }

  get readyState(): number {
    const stage = this.#stage;
    if (stage.kind === 'ready') return stage.socket.readyState;
    return stage.kind === 'loading' ? CONNECTING : CLOSED;
  }

  /** The connection writes only once the socket opened, so only to the stream's socket. */
  send(data: SocketData): void {
    if (this.#stage.kind === 'ready') this.#stage.socket.send(data);
  }

  close(code?: number, reason?: string): void {
    const stage = this.#stage;
    if (stage.kind === 'ready') {
      stage.socket.close(code, reason);
    } else {
      this.#stage = { kind: 'closed' };
    }
  }

  afterPosted(then: () => void): void {
    const stage = this.#stage;
    if (stage.kind === 'ready' && stage.socket.afterPosted) stage.socket.afterPosted(then);
    else then();
  }

  #loaded(make: StreamMaker, url: string): void {
    if (this.#stage.kind !== 'loading') return;
    let socket: SocketLike;
    try {
      socket = make(url);
    } catch {
      this.#failed();
      return;
    }
    socket.binaryType = this.binaryType;
    socket.onopen = (event) => this.onopen?.(event);
    socket.onmessage = (event) => this.onmessage?.(event);
    socket.onclose = (event) => this.onclose?.(event);
    socket.onerror = (event) => this.onerror?.(event);
    this.#stage = { kind: 'ready', socket };
  }

  #failed(): void {
    if (this.#stage.kind !== 'loading') return;
    this.#stage = { kind: 'closed' };
    this.onclose?.(
      socketEvent<CloseEvent>('close', { code: CLOSE_ABNORMAL, reason: '', wasClean: false }),
    );
  }
}
