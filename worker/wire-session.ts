import type { TabSocketError } from './errors/tab-socket-error';
import { randomId } from './random-id';
import type { MessageFrame, ResumeFrame } from './wire';

interface Unacked {
  text: string;
  frame: string;
  resolve(): void;
  reject(error: TabSocketError): void;
}

/** What to do with push number `seq`. */
export type PushVerdict = 'deliver' | 'duplicate' | 'gap';

/**
 * The worker's half of a session with a server that speaks the tabsocket protocol. It
 * outlives sockets and ends with the login: the last push delivered to the tabs, and the
 * messages the server has not acknowledged yet, oldest first.
 */
export class WireSession {
  readonly id = randomId();
  #lastSeq = 0;
  #nextId = 1;
  /** Insertion order is id order: what `pendingFrames` resends, in order. */
  readonly #unacked = new Map<number, Unacked>();

  get lastSeq(): number {
    return this.#lastSeq;
  }

  get unacked(): number {
    return this.#unacked.size;
  }

  /** The answer to a hello that carried `nonce`. */
  resumeFrame(nonce: string): string {
    const frame: ResumeFrame = { $ts: 'resume', nonce, session: this.id, last: this.#lastSeq };
    return JSON.stringify(frame);
  }

  /**
   * A new session in place of this one, which the server refused to resume: a new id, no
   * push delivered yet, and the unacknowledged messages, oldest first, renumbered from 1
   * with their promises kept. The server lost track of them, so each is sent again: one
   * it had passed on before may reach the app twice, and none is lost.
   */
  renew(): WireSession {
    const next = new WireSession();
    for (const message of this.#unacked.values()) {
      next.track(message.text).acked.then(message.resolve, message.reject);
    }
    this.#unacked.clear();
    return next;
  }

  /**
   * Judges push `seq` and, unless it is a duplicate, records it as delivered. A gap means
   * pushes were lost in between; the server never sends one, but if it did the tabs must
   * hear of it rather than miss data in silence.
   */
  accept(seq: number): PushVerdict {
    if (seq <= this.#lastSeq) return 'duplicate';
    const verdict = seq === this.#lastSeq + 1 ? 'deliver' : 'gap';
    this.#lastSeq = seq;
    return verdict;
  }

  /** The server could not replay what followed our last push: the stream goes on after `seq`. */
  skipTo(seq: number): void {
    this.#lastSeq = seq;
  }

  /** Numbers a message and keeps it until acknowledged; `acked` settles then, or on `rejectAll`. */
  track(text: string): { frame: string; acked: Promise<void> } {
    const id = this.#nextId++;
    const message: MessageFrame = { $ts: 'msg', id, text };
    const frame = JSON.stringify(message);
    const acked = new Promise<void>((resolve, reject) => {
      this.#unacked.set(id, { text, frame, resolve, reject });
    });
    return { frame, acked };
  }

  ack(id: number): void {
    this.#unacked.get(id)?.resolve();
    this.#unacked.delete(id);
  }

  /** The frames to write again on a new socket, oldest first; the server drops those it had. */
  pendingFrames(): string[] {
    return [...this.#unacked.values()].map((message) => message.frame);
  }

  /**
   * The server stopped speaking the protocol (a deploy rolled it back): nobody will ack.
   * Answers the texts to write plainly and settles their promises as written.
   */
  abandonAcks(): string[] {
    const texts = [...this.#unacked.values()].map((message) => {
      message.resolve();
      return message.text;
    });
    this.#unacked.clear();
    return texts;
  }

  rejectAll(error: TabSocketError): void {
    for (const message of this.#unacked.values()) message.reject(error);
    this.#unacked.clear();
  }
}
