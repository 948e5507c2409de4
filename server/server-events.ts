import type { IncomingMessage } from 'node:http';
import type { TabSocketClient } from './sockets/connected-client';

export interface TabSocketServerEvents {
  connection: [client: TabSocketClient];
  disconnection: [client: TabSocketClient, code: number, reason: string];
  /**
   * A frame for the app: not a heartbeat, not a control frame. `data` is the JSON value of a
   * text frame (its text when it is not JSON) or the bytes of a binary one, whose `text` is null.
   */
  message: [client: TabSocketClient, data: unknown, text: string | null];
  /** `authenticate` threw or answered a non-string; the upgrade was refused with 500 (or 1011). */
  authenticateError: [error: unknown, request: IncomingMessage];
  /**
   * The replay store failed a call: a push it could not number is lost for that session, a
   * resume it could not read is refused (the worker tries again), a message it could not
   * record is not acknowledged and its socket closed with 1013 (the worker resumes and sends
   * it again). Without a listener, a process warning.
   */
  storeError: [error: unknown];
  /** Only for a server created here; an attached one reports to its owner. */
  listening: [];
  error: [error: Error];
}

export interface TabSocketServerStats {
  /** WebSockets and HTTP streams. */
  openSockets: number;
  /** The HTTP streams among them: workers whose WebSocket is blocked. */
  httpStreams: number;
  /** Users with a socket on this process; `presence.counts()` spans every process of the store. */
  onlineUsers: number;
  framesIn: number;
  framesOut: number;
  /** Control frames refused with an error frame. */
  malformedFrames: number;
  /** Sessions of tabsocket workers, attached or waiting for their worker to resume. */
  sessions: number;
  /** Frames kept for sockets that were sent `hello` and have not spoken yet. */
  rememberedFrames: number;
}
