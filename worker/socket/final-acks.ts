import { type Clock, Timer } from '../../protocol/clock';
import type { SocketLike } from '../platform';

const CONNECTING = 0;
const OPEN = 1;

/** How long a logout keeps its socket open for the acks of the messages already written. */
export const FINAL_ACKS_WITHIN = 5_000;

/** What the wait needs of the link: it reads each frame, and gives up what stays unacked. */
export interface FinalAcksLink {
  /** Takes the acks of a frame; whether every written message is acknowledged now. */
  acked(data: unknown): boolean;
  /** The wait is over: what is still unacknowledged may or may not have reached the server. */
  giveUp(): void;
}

/**
 * A logout's last wait. A message written and not acknowledged yet may be with the app
 * already, and its ack a round trip away: rejecting it as not delivered would be a lie.
 * So the socket stays open for acks only (the tabs see `closed` at once, no push reaches
 * them, no ping goes, nothing reconnects) until every such message is acknowledged, the
 * server closes the socket, `FINAL_ACKS_WITHIN` ms pass, or a new login starts (and the
 * socket posted what was sent on it: `release`); then it closes, and what is still
 * unacknowledged is given up. Its one timer is cleared by `end`, which every way out goes
 * through.
 */
export class FinalAcks {
  readonly #timer: Timer;
  #end: (() => void) | undefined;
  #socket: SocketLike | undefined;

  constructor(clock: Clock) {
    this.#timer = new Timer(clock);
  }

  wait(socket: SocketLike, code: number, closeReason: string, link: FinalAcksLink): void {
    this.end();
    this.#socket = socket;
    this.#end = () => {
      this.#end = this.#socket = undefined;
      this.#timer.clear();
      closeSocket(socket, code, closeReason);
      link.giveUp();
    };
    socket.onopen = null;
    socket.onerror = null;
    socket.onmessage = (event) => {
      if (link.acked(event.data)) this.end();
    };
    socket.onclose = () => this.end();
    this.#timer.start(FINAL_ACKS_WITHIN, () => this.end());
  }

  /** Ends the wait now, if one runs. */
  end(): void {
    this.#end?.();
  }

  /**
   * A new login starts: the wait ends once its socket has posted what was sent on it (the
   * HTTP stream's POSTs go one at a time, `end` the last), within the wait's own time.
   */
  release(): void {
    const socket = this.#socket;
    const end = this.#end;
    // Its own wait only: a later one (another socket's) is not ended by this late post.
    if (socket?.afterPosted) socket.afterPosted(() => this.#end === end && this.end());
    else this.end();
  }
}

/** Detaches the socket's handlers and closes it, unless it is closing or closed already. */
export function closeSocket(socket: SocketLike, code?: number, closeReason?: string): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = null;
  if (socket.readyState !== CONNECTING && socket.readyState !== OPEN) return;
  try {
    socket.close(code, closeReason);
  } catch {
    // close() throws only for codes the browser refuses; those were validated in the tab.
  }
}
