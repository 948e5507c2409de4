/**
 * The message ids of one session the server has passed on, so a message the client resends
 * after a reconnect (its ack was lost) is acknowledged again but not passed on twice.
 *
 * Ids come 1, 2, 3… from one client, so everything up to `floor` is known as a number, and
 * only the `size` ids above it are kept, one bit each. An id further ahead moves the window
 * up: the holes it leaves behind are given up (counted as seen). Memory and the work per id
 * stay bounded whatever a client sends; nothing here spreads a collection into arguments,
 * which overflowed the stack at 200,000 ids (issue 9).
 *
 *   seen ◄── floor ─┬─ bits for floor+1 … floor+size ─┬─► moves the window up
 */
/** The largest window: a bit per id, so 8 KiB per session. */
export const MAX_DEDUPE_WINDOW = 65_536;

export class DedupeWindow {
  #floor = 0;
  #highest = 0;
  /** Bit `id % size` says whether `id` (floor < id <= floor + size) was seen. */
  readonly #bits: Uint32Array;

  constructor(private readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 1 || size > MAX_DEDUPE_WINDOW) {
      throw new RangeError(
        `Invalid dedupe window size: expected an integer from 1 to ${MAX_DEDUPE_WINDOW}, got ${size}`,
      );
    }
    this.#bits = new Uint32Array(Math.ceil(size / 32));
  }

  /** The highest id recorded; 0 for none. */
  get highest(): number {
    return this.#highest;
  }

  /** Records `id` (a safe integer >= 1); answers whether it had been seen before. */
  seen(id: number): boolean {
    if (id <= this.#floor) return true;
    this.#highest = Math.max(this.#highest, id);
    if (id > this.#floor + this.size) this.#raiseFloorTo(id - this.size);
    if (this.#has(id)) return true;
    this.#set(id, true);
    while (this.#has(this.#floor + 1)) {
      this.#floor += 1;
      this.#set(this.#floor, false);
    }
    return false;
  }

  /** Gives up every id up to `floor`: their bits are freed for the ids `size` above them. */
  #raiseFloorTo(floor: number): void {
    if (floor - this.#floor >= this.size) {
      this.#bits.fill(0);
    } else {
      for (let id = this.#floor + 1; id <= floor; id++) this.#set(id, false);
    }
    this.#floor = floor;
  }

  #has(id: number): boolean {
    const bit = id % this.size;
    return ((this.#bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }

  #set(id: number, on: boolean): void {
    const bit = id % this.size;
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    this.#bits[word] = on ? (this.#bits[word] ?? 0) | mask : (this.#bits[word] ?? 0) & ~mask;
  }
}
