import { randomId } from '../protocol/random-id';
import type { ResumeFrame } from '../protocol/wire';

/** What to do with push number `seq`. */
export type PushVerdict = 'deliver' | 'duplicate' | 'gap';

/**
 * The worker's half of a session with a server that speaks the tabsocket protocol: its id
 * and the last push delivered to the tabs. It outlives sockets and ends with the login, or
 * when the server refuses to resume it or lost it (it then names the session that goes on).
 * Its last push never moves down. (The messages it sends are the `SendQueue`'s.)
 */
export class WireSession {
  #lastSeq: number;
  /** Whether a server attached it once: then one that does not know it lost it. */
  #held: boolean;

  /**
   * A new session, or, with the id and last push of one a server attached already (another
   * hub held it, or a server named it), that session.
   */
  constructor(id?: string, lastSeq = 0) {
    this.id = id ?? randomId();
    this.#lastSeq = lastSeq;
    this.#held = id !== undefined;
  }

  readonly id: string;

  /** A server attached it: resumed, or resynced. */
  attached(): void {
    this.#held = true;
  }

  /** Whether a server attached it, or it came from one that did: else it is this hub's own, new. */
  get held(): boolean {
    return this.#held;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The answer to a hello that carried `nonce`. */
  resumeFrame(nonce: string): string {
    const frame: ResumeFrame = { $ts: 'resume', nonce, session: this.id, last: this.#lastSeq };
    if (this.#held) frame.held = true;
    return JSON.stringify(frame);
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

  /** The server could not replay what followed our last push: the stream goes on after `seq` (not below it). */
  skipTo(seq: number): void {
    this.#lastSeq = seq;
  }
}
