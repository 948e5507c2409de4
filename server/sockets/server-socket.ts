import type { RawData } from 'ws';

/**
 * What the server uses of a socket: a `ws` WebSocket, or an HTTP stream made to look like
 * one (http-stream-socket.ts), so that the frames, sessions and liveness above are the same
 * whichever transport a worker came by. `readyState` takes WebSocket's values.
 */
export interface ServerSocket {
  readonly readyState: number;
  /** Bytes written and not yet sent. */
  readonly bufferedAmount: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** Drops the transport at once, without a close handshake. */
  terminate(): void;
  /** A liveness probe its peer answers without app code: `pong` follows. */
  ping(): void;
  on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): this;
  on(event: 'pong', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  once(event: 'close', listener: (code: number, reason: Buffer) => void): this;
}
