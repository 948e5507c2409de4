/**
 * A real Redis behind the scheduler: every command goes to the real server at once, and its
 * answer reaches the simulated server as a task of the scheduler, 1 ms after it was sent.
 * The scheduler waits (in real time) for the answers in flight before it picks a task, so a
 * run is as deterministic as with the in-memory store: one connection answers in order.
 */
import type { RedisCommandClient } from '../server/redis/store-options';
import type { Lane, Scheduler } from './scheduler';

/** Commands that only read; a "failed write" fault spares them. */
const READS = new Set([
  'GET',
  'MGET',
  'HGET',
  'HGETALL',
  'LRANGE',
  'ZRANGE',
  'EXISTS',
  'TTL',
  'PTTL',
]);

export class RedisGate implements RedisCommandClient {
  readonly #lane: Lane;
  readonly #inFlight = new Set<Promise<unknown>>();
  #last: Promise<unknown> = Promise.resolve();
  /** Writes still to fail, from a fault step. */
  failWrites = 0;
  /** Real work the scheduler waits for (a restart of the server), besides commands. */
  #busy: Promise<void> | undefined;

  constructor(
    private readonly sim: Scheduler,
    private readonly client: RedisCommandClient,
  ) {
    this.#lane = sim.lane('redis', () => sim.root);
  }

  sendCommand(args: ReadonlyArray<string>): Promise<unknown> {
    const command = String(args[0]).toUpperCase();
    const write = !READS.has(command);
    if (write && this.failWrites > 0) {
      this.failWrites -= 1;
      return this.#answer(Promise.reject(new Error(`simulated failure of ${command}`)));
    }
    return this.#answer(this.client.sendCommand(args));
  }

  /** Runs `work` (real time) before the scheduler picks another task. */
  hold(work: Promise<void>): void {
    const previous = this.#busy ?? Promise.resolve();
    this.#busy = previous.then(() => work).catch(() => {});
  }

  /** What the scheduler awaits: the answers in flight and the work held; undefined when none. */
  pending(): Promise<void> | undefined {
    if (this.#inFlight.size === 0 && !this.#busy) return undefined;
    const busy = this.#busy;
    this.#busy = undefined;
    return Promise.all([busy, ...this.#inFlight]).then(
      () => {},
      () => {},
    );
  }

  #answer(real: Promise<unknown>): Promise<unknown> {
    const sentAt = this.sim.now;
    const outcome = real.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    // Answers are delivered in the order the commands were sent, a refused one included.
    const settled = Promise.all([this.#last, outcome]).then(([, answer]) => answer);
    this.#last = settled;
    this.#inFlight.add(settled);
    return new Promise((resolve, reject) => {
      void settled.then((outcome) => {
        this.#inFlight.delete(settled);
        const delay = Math.max(0, sentAt + 1 - this.sim.now);
        this.sim.post(
          this.#lane,
          'redis answer',
          () => (outcome.ok ? resolve(outcome.value) : reject(outcome.error)),
          delay,
        );
      });
    });
  }
}
