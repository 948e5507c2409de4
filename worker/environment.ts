import type { Clock } from '../protocol/clock';
import type { SocketData } from '../protocol/tab-hub';

/** The part of the browser's WebSocket the connection uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  binaryType: BinaryType;
  send(data: SocketData): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  /**
   * The HTTP stream's: calls `then` once every frame sent is posted and answered (a
   * WebSocket has handed each to the network as it was sent).
   */
  afterPosted?(then: () => void): void;
}

/** The socket of an HTTP stream to `url`'s server, where WebSocket is blocked. */
export type StreamMaker = (url: string) => SocketLike;

export interface Environment {
  clock: Clock;
  /** Uniform in [0, 1), as Math.random. */
  random: () => number;
  createSocket: (url: string, protocols: string[]) => SocketLike;
  /**
   * Loads the HTTP stream (worker/http-stream-socket.ts, a chunk of its own, so that a
   * worker whose WebSocket works never downloads it) and gives its sockets' maker; called
   * when the transport policy first takes the stream, again after a load that failed.
   * Without it (a test's environment, the simulation's) only WebSocket is used.
   */
  loadStream?: () => Promise<StreamMaker>;
  /**
   * With a `url` function: the url of the next attempt, asked of a tab (`UrlSource`). An
   * abort (the attempt was given up) ends the ask and its deadline at once.
   */
  freshUrl?: (abandoned: AbortSignal) => Promise<string>;
}
