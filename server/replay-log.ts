/** How much of a session's stream is kept for replay. */
export interface ReplayLimits {
  /** Most pushes kept per session. */
  maxCount: number;
  /** Milliseconds a push is kept. */
  maxAge: number;
}

interface Entry {
  seq: number;
  frame: string;
  at: number;
}

/**
 * One session's numbered push stream and the tail of it kept for replay. Pushes get 1, 2, 3…
 * in order; what falls out of the limits is gone, and a resume that needs it is told so.
 */
export class ReplayLog {
  #head = 0;
  #entries: Entry[] = [];

  constructor(
    private readonly limits: ReplayLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** The number of the last push. */
  get head(): number {
    return this.#head;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Numbers the next push; `frame(seq)` builds what goes on the wire. Answers that frame. */
  append(frame: (seq: number) => string): { seq: number; frame: string } {
    const seq = ++this.#head;
    const entry = { seq, frame: frame(seq), at: this.now() };
    this.#entries.push(entry);
    this.#trim();
    return entry;
  }

  /**
   * The frames after push `last`, oldest first; undefined when one of them is no longer
   * kept, or `last` is beyond the head (a client of a server that lost its state).
   */
  since(last: number): string[] | undefined {
    this.#trim();
    if (last > this.#head || !Number.isInteger(last) || last < 0) return undefined;
    if (last === this.#head) return [];
    const first = this.#entries[0];
    if (!first || first.seq > last + 1) return undefined;
    return this.#entries.slice(last + 1 - first.seq).map((entry) => entry.frame);
  }

  #trim(): void {
    const oldest = this.now() - this.limits.maxAge;
    let drop = Math.max(this.#entries.length - this.limits.maxCount, 0);
    while (drop < this.#entries.length && (this.#entries[drop]?.at ?? 0) < oldest) drop += 1;
    if (drop > 0) this.#entries = this.#entries.slice(drop);
  }
}
