/**
 * The message ids of one session the server has passed on, so a message the client resends
 * after a reconnect (its ack was lost) is acknowledged again but not passed on twice.
 *
 * Ids come 1, 2, 3… from one client, so everything up to `floor` is known as a number, and
 * only ids above a hole are kept one by one; at most `size` of them, past which the oldest
 * holes are given up (counted as seen), keeping memory bounded whatever a client sends.
 */
export class DedupeWindow {
  #floor = 0;
  readonly #above = new Set<number>();

  constructor(private readonly size: number) {}

  /** Records `id`; answers whether it had been seen before. */
  seen(id: number): boolean {
    if (id <= this.#floor || this.#above.has(id)) return true;
    this.#above.add(id);
    while (this.#above.delete(this.#floor + 1)) this.#floor += 1;
    if (this.#above.size > this.size) this.#raiseFloor();
    return false;
  }

  #raiseFloor(): void {
    this.#floor = Math.min(...this.#above);
    this.#above.delete(this.#floor);
    while (this.#above.delete(this.#floor + 1)) this.#floor += 1;
  }
}
