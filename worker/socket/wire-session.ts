import { randomId } from '../../protocol/random-id';
import type { ResumeFrame } from '../../protocol/wire';

/** What to do with push number `seq`. */
export type PushVerdict = 'deliver' | 'duplicate' | 'gap';

/**
 * Where the session stands with servers. `new`: no resume of it was ever written, so no
 * server can know it. `offered`: this hub wrote a resume of it and heard no answer; the
 * server that read it attached the session then, and may have pushed into it. `attached`:
 * a server answered its resume or named it, or the hub it was taken from had offered it
 * (sends may have been written under its ids).
 */
export type SessionStanding = 'new' | 'offered' | 'attached';

/**
 * The worker's half of a session with a server that speaks the tabsocket protocol: its id
 * and the last push delivered to the tabs. It outlives sockets and ends with the login, or
 * when the server refuses to resume it or lost it (it then names the session that goes on).
 * Its last push moves down only for a tab or hub behind it, before a resume (`rewind`). (The
 * messages it sends are the `SendQueue`'s.)
 */
export class WireSession {
  #lastSeq: number;
  #standing: SessionStanding;
  /**
   * Whether this hub wrote a resume of it (or a server answered one): sends written under
   * its ids may have reached the app, so it is never left for another (`WireLink.leave`).
   */
  #here: 'unwritten' | 'written' = 'unwritten';
  /**
   * Another hub or tab came with it numbered (`WireLink.numberedElsewhere`): a server may
   * have it, though its standing (whether this hub's cursor says `fresh`) stays as it was.
   */
  #numbered = false;
  /**
   * Written unheld (no hub knew a server had it): the server's last push as it answered that
   * resume, `Infinity` until then. A server of a renewed login starts such a session anew
   * under its id (`WireLink.#ambiguous`).
   */
  unheld: number | undefined;
  /** The highest push a cursor of it numbered elsewhere named past this hub's last. */
  named = 0;
  /**
   * The push it was taken at (a tab's or hub's cursor, a server's resync onto it): a server
   * that has it resumes it at or past that push, a rewind notwithstanding. (Not the pushes
   * this hub heard since: a server process whose store lags them may answer below them.)
   */
  readonly #takenAt: number;
  /** A server resumed it below `#takenAt`: its session under this id is another one. */
  #answeredBelow = false;

  /**
   * A new session, or, with the id and last push of one another hub held or a server named,
   * that session (`new` still when no resume of it was ever written).
   */
  constructor(id?: string, lastSeq = 0, standing: SessionStanding = id ? 'attached' : 'new') {
    this.id = id ?? randomId();
    this.#lastSeq = lastSeq;
    this.#takenAt = lastSeq;
    this.#standing = standing;
  }

  readonly id: string;

  get standing(): SessionStanding {
    return this.#standing;
  }

  /**
   * Whether a server may have attached it: then one that does not know it lost it (pushes
   * it made included), and must not take it for a new one.
   */
  get held(): boolean {
    return this.#standing !== 'new' || this.#numbered;
  }

  /** Another hub's cursor says a server numbered it: its resume says `held` (see `#numbered`). */
  numberedElsewhere(): void {
    this.#numbered = true;
  }

  /** A resume of it is being written: from now on a server may have it. */
  offered(): void {
    if (this.#standing === 'new') this.#standing = 'offered';
  }

  /** A server answered it (resumed, or resynced). */
  attached(): void {
    this.#standing = 'attached';
    this.#here = 'written';
  }

  /** A server answered a resume of it, its last push at `seq`: see `unheld`. */
  answered(seq: number): void {
    this.unheld &&= Math.min(this.unheld, seq);
    this.#answeredBelow ||= seq < Math.max(this.#takenAt, this.#lastSeq);
  }

  /**
   * The server's session under its id is another one (`WireLink.#ambiguous`): written unheld,
   * a cursor numbered elsewhere named a push that session never made as far as this hub heard;
   * or a server resumed it below the push it was taken at (review 23h: a renewed login's
   * server began it anew, and this hub had taken it from a tab's numbered cursor).
   */
  get ambiguous(): boolean {
    const { named, unheld = named } = this;
    return named > Math.max(unheld, this.#lastSeq) || this.#answeredBelow;
  }

  /** Whether a resume of it went out from this hub (see `#here`). */
  get written(): boolean {
    return this.#here === 'written';
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The answer to a hello that carried `nonce`, about to be written. */
  resumeFrame(nonce: string): string {
    this.#here = 'written';
    const frame: ResumeFrame = { $ts: 'resume', nonce, session: this.id, last: this.#lastSeq };
    if (this.held) frame.held = true;
    else this.unheld = Number.POSITIVE_INFINITY;
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

  /** The next resume asks the server for the pushes after `seq`, if it is lower: see `WireLink.rewind`. */
  rewind(seq: number): void {
    this.#lastSeq = Math.min(this.#lastSeq, seq);
  }

  /** The server could not replay what followed our last push: the stream goes on after `seq` (not below it). */
  skipTo(seq: number): void {
    this.#lastSeq = seq;
  }
}
