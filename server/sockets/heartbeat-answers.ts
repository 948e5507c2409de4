import {
  encodeHeartbeatFrame,
  type HeartbeatFrame,
  matchesHeartbeatFrame,
} from '../../protocol/heartbeat-frame';
import type { HeartbeatAnswerOptions } from '../options';
import type { TabSocketClient } from './connected-client';

/**
 * Decides, ping by ping, whether the server answers a heartbeat: the extension point for
 * fault injection (`suspendHeartbeatAnswers` is one). A ping the gate holds back is still
 * read and counted, and never reaches the app; it just gets no pong.
 */
export interface HeartbeatGate {
  /** Whether this ping of `client` gets its pong. */
  shouldAnswer(client: TabSocketClient): boolean;
  /**
   * Called once, when the gate is replaced or removed or its server closes: the gate ends
   * whatever it runs (its timers) here.
   */
  release(): void;
}

/** What answering needs of a socket. */
interface Answerable extends TabSocketClient {
  sendText(text: string): boolean;
}

/**
 * The application-level heartbeat: a text frame matching `ping` is answered with `pong`,
 * unless a gate holds it back. Without a gate (the default) that costs one comparison.
 */
export class HeartbeatAnswers {
  readonly #ping: HeartbeatFrame | undefined;
  readonly #pong: string | undefined;
  #gate: HeartbeatGate | undefined;

  /** `false`: heartbeats are the app's business, and no frame is a ping. */
  constructor(heartbeat: HeartbeatAnswerOptions | false) {
    this.#ping = heartbeat ? heartbeat.ping : undefined;
    this.#pong = heartbeat ? encodeHeartbeatFrame(heartbeat.pong) : undefined;
  }

  /** Whether the frame (`parsed`: its JSON value, or undefined) is a heartbeat ping. */
  isPing(text: string, parsed: unknown): boolean {
    return this.#ping !== undefined && matchesHeartbeatFrame(this.#ping, text, parsed);
  }

  answer(client: Answerable): void {
    if (this.#pong === undefined) return;
    if (this.#gate && !this.#gate.shouldAnswer(client)) return;
    client.sendText(this.#pong);
  }

  /** Installs `gate` (undefined removes it), releasing the one it replaces. */
  setGate(gate: HeartbeatGate | undefined): void {
    const previous = this.#gate;
    this.#gate = gate;
    if (previous !== gate) previous?.release();
  }
}
