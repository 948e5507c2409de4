import type { Clock } from '../../protocol/clock';

interface Scheduled {
  at: number;
  callback: () => void;
}

/**
 * A clock moved by hand, for the server's timing logic: `advance(ms)` runs the timers that
 * fall due on the way, in deadline order (ties in the order they were set), each at its own
 * time. Real sockets keep running while it stands still, so a test decides when a timer
 * fires without a sleep.
 */
export class FakeClock implements Clock {
  #time: number;
  #nextId = 1;
  readonly #scheduled = new Map<number, Scheduled>();

  constructor(start = 0) {
    this.#time = start;
  }

  now(): number {
    return this.#time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#scheduled.set(id, { at: this.#time + Math.max(ms, 0), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#scheduled.delete(handle as number);
  }

  /** Timers set and neither run nor cleared. */
  get pending(): number {
    return this.#scheduled.size;
  }

  /** Moves the time forward by `ms`, running every timer due by then. */
  advance(ms: number): void {
    const end = this.#time + ms;
    for (let next = this.#nextDue(end); next; next = this.#nextDue(end)) {
      const [id, timer] = next;
      this.#scheduled.delete(id);
      this.#time = Math.max(this.#time, timer.at);
      timer.callback();
    }
    this.#time = end;
  }

  #nextDue(end: number): [number, Scheduled] | undefined {
    let due: [number, Scheduled] | undefined;
    for (const entry of this.#scheduled) {
      if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
    }
    return due;
  }
}
