import type { Clock } from '../../protocol/clock';
import type { PushEntry, PushPayload } from '../stores';

/** How much of a session's stream is kept for replay. */
export interface ReplayLimits {
  /** Most pushes kept per session. */
  maxCount: number;
  /** Milliseconds a push is kept. */
  maxAge: number;
  /** Most bytes of push frames kept per session (`PushPayload.bytes` summed). */
  maxBytes: number;
}

/** Dropped entries are compacted away once this many lead the arrays (and half of them). */
const COMPACT_AFTER = 1_024;

/**
 * One session's numbered push stream and the tail of it kept for replay. Pushes get 1, 2, 3…
 * in order; what falls out of the limits is gone, and a resume that needs it is told so.
 *
 * Kept pushes have consecutive numbers, so an entry is only its payload (shared with the
 * other sessions of a broadcast) and its time: two parallel arrays read from `#start`.
 */
export class ReplayLog {
  #head = 0;
  /** Undefined before `#start`: a dropped push must not keep its payload alive. */
  #payloads: (PushPayload | undefined)[] = [];
  #times: number[] = [];
  /** The first kept entry; those before it are dropped, awaiting compaction. */
  #start = 0;
  #bytes = 0;

  constructor(
    private readonly limits: ReplayLimits,
    private readonly clock: Clock,
  ) {}

  /** The number of the last push. */
  get head(): number {
    return this.#head;
  }

  get size(): number {
    return this.#payloads.length - this.#start;
  }

  /** Bytes of the pushes kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Numbers the next push and keeps it while the limits allow; answers its number. */
  append(payload: PushPayload): number {
    this.#head += 1;
    this.#payloads.push(payload);
    this.#times.push(this.clock.now());
    this.#bytes += payload.bytes;
    this.#trim();
    return this.#head;
  }

  /**
   * Numbers the next push `seq + 1`, letting go of those kept: a worker holds pushes up to
   * `seq` that this stream did not count, and none of its numbers may be given again.
   */
  skipTo(seq: number): void {
    if (seq <= this.#head) return;
    this.#head = seq;
    this.#payloads = [];
    this.#times = [];
    this.#start = 0;
    this.#bytes = 0;
  }

  /**
   * The pushes after `last`, oldest first; undefined when one of them is no longer kept,
   * or `last` is not a push number of this stream (beyond the head, negative, fractional).
   */
  since(last: number): PushEntry[] | undefined {
    this.#trim();
    if (!Number.isSafeInteger(last) || last < 0 || last > this.#head) return undefined;
    const first = this.#head - this.size + 1;
    if (last + 1 < first) return undefined;
    const entries: PushEntry[] = [];
    for (let seq = last + 1; seq <= this.#head; seq++) {
      entries.push({ seq, payload: this.#payloads[this.#start + seq - first] as PushPayload });
    }
    return entries;
  }

  #trim(): void {
    const { maxCount, maxAge, maxBytes } = this.limits;
    const oldest = this.clock.now() - maxAge;
    while (
      this.size > 0 &&
      (this.size > maxCount ||
        this.#bytes > maxBytes ||
        (this.#times[this.#start] as number) < oldest)
    ) {
      this.#bytes -= (this.#payloads[this.#start] as PushPayload).bytes;
      this.#payloads[this.#start] = undefined;
      this.#start += 1;
    }
    if (this.#start >= COMPACT_AFTER && this.#start * 2 >= this.#payloads.length) {
      this.#payloads = this.#payloads.slice(this.#start);
      this.#times = this.#times.slice(this.#start);
      this.#start = 0;
    }
    if (this.size === 0 && this.#start > 0) {
      this.#payloads = [];
      this.#times = [];
      this.#start = 0;
    }
  }
}
