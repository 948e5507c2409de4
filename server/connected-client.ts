import { WebSocket } from 'ws';
import type { LivenessTarget } from './liveness';
import { encodeOutbound, type OutboundData } from './outbound-frame';
import type { Session, SessionSocket } from './session-registry';

/** One open socket, as the app sees it in events. */
export interface TabSocketClient {
  /** Unique per socket, across processes. */
  readonly id: string;
  /** From `authenticate`; the same for every socket of one user. */
  readonly userId: string;
  /** The topics of this socket's last `sub` frame. */
  readonly topics: ReadonlySet<string>;
  /** Sends to this socket only; answers whether it was written (false once closing). */
  send(data: OutboundData): boolean;
  /** Closes with a handshake, e.g. `close(4403, 'banned')`. */
  close(code?: number, reason?: string): void;
}

/** Counts shared by every socket of one server. */
export interface TrafficCounters {
  framesIn: number;
  framesOut: number;
  malformedFrames: number;
}

export class ConnectedClient implements TabSocketClient, LivenessTarget, SessionSocket {
  topics: ReadonlySet<string> = new Set();
  /** Set once the worker resumed a session on this socket: its pushes are then numbered. */
  session: Session | undefined;
  /**
   * Application frames sent since `hello`, while the client has neither resumed nor spoken.
   * A worker drops them while it resumes (the session will replay them), so a session that
   * its resume creates must get them again; a plain client has them already.
   */
  #sinceHello: string[] | undefined;
  /** Settles on the socket's `close` event, whatever ended it. */
  readonly closed: Promise<void>;
  readonly #socket: WebSocket;
  readonly #counters: TrafficCounters;

  constructor(
    readonly id: string,
    readonly userId: string,
    socket: WebSocket,
    counters: TrafficCounters,
  ) {
    this.#socket = socket;
    this.#counters = counters;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  send(data: OutboundData): boolean {
    return this.sendPlain(encodeOutbound(data));
  }

  /** From now until `settle`, remembers the application frames it sends. */
  watchSinceHello(): void {
    this.#sinceHello = [];
  }

  /** Resumed, or known to be plain: nothing is remembered any more. */
  get settled(): boolean {
    return this.#sinceHello === undefined;
  }

  get sentSinceHello(): number {
    return this.#sinceHello?.length ?? 0;
  }

  /** Writes an application frame, and remembers it while the socket is unsettled. */
  sendPlain(text: string): boolean {
    const written = this.sendText(text);
    if (written) this.#sinceHello?.push(text);
    return written;
  }

  /** Ends the watch: answers the frames sent since `hello`, oldest first. */
  settle(): string[] {
    const sent = this.#sinceHello ?? [];
    this.#sinceHello = undefined;
    return sent;
  }

  /** Writes already encoded text, so one push to many sockets is encoded once. */
  sendText(text: string): boolean {
    if (this.#socket.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(text);
    this.#counters.framesOut += 1;
    return true;
  }

  close(code?: number, reason?: string): void {
    this.#socket.close(code, reason);
  }

  ping(): void {
    // ws throws on a socket still connecting and reports a closed one to a callback.
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.ping();
  }

  terminate(): void {
    this.#socket.terminate();
  }
}
