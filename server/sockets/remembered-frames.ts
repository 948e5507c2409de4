import type { RememberedFrame } from '../sessions/session-registry';

/**
 * The frames written to a socket between its `hello` and its `resume`, so that the session
 * the resume attaches gets them numbered. Bounded like a replay log: past `maxCount` frames
 * or `maxBytes` it forgets them all and stays `overflowed`, so the resume must resync.
 */
export class RememberedFrames {
  #frames: RememberedFrame[] = [];
  #bytes = 0;
  #overflowed = false;

  readonly #limits: { maxCount: number; maxBytes: number };

  constructor(limits: { maxCount: number; maxBytes: number }) {
    this.#limits = limits;
  }

  get frames(): readonly RememberedFrame[] {
    return this.#frames;
  }

  /** Past the limits: nothing is remembered any more. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Gives up the frames remembered so far to a session that numbers them now. */
  take(): RememberedFrame[] {
    const frames = this.#frames;
    this.#frames = [];
    this.#bytes = 0;
    return frames;
  }

  add(frame: RememberedFrame): void {
    if (this.#overflowed) return;
    const { maxCount, maxBytes } = this.#limits;
    if (this.#frames.length + 1 > maxCount || this.#bytes + frame.payload.bytes > maxBytes) {
      this.#overflowed = true;
      this.#frames = [];
      this.#bytes = 0;
      return;
    }
    this.#frames.push(frame);
    this.#bytes += frame.payload.bytes;
  }
}
