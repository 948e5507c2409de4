/**
 * A real Redis behind the scheduler: every command goes to the real server at once, and its
 * answer reaches the simulated server process that sent it as a task of the scheduler, 1 ms
 * after it was sent (never, once that process is dead).
 * The scheduler waits (in real time) for the answers in flight before it picks a task, so a
 * run is as deterministic as with the in-memory store: one connection answers in order.
 */
import type { RedisCommandClient } from '../server/redis/store-options';
import type { Context, Lane, Scheduler } from './scheduler';

/** Ms from a command to its answer: Redis runs it at once, its process hears it this late. */
const REDIS_LATENCY = 1;

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

/**
 * The real Redis of a run: the faults drawn on it, and what the scheduler waits for. Each
 * server process has a connection of its own (`connect`), as a real one does.
 */
export class SimRedis {
  /** Writes still to fail, from a fault step. */
  failWrites = 0;
  readonly #connections = new Set<RedisGate>();
  /** Real work the scheduler waits for (a restart of Redis), besides commands. */
  #busy: Promise<void> | undefined;
  /** The task delivering an answer now, and the task that sent its command. */
  #answering: { task: number; sentIn: number } | undefined;

  constructor(
    private readonly sim: Scheduler,
    private readonly client: RedisCommandClient,
  ) {}

  /**
   * A connection of `process`: its answers run on a lane of that context, so that a killed
   * process runs nothing more, though Redis carries out what it sent before.
   */
  connect(process: Context): RedisGate {
    const gate = new RedisGate(this.sim, this.client, process, this);
    this.#connections.add(gate);
    return gate;
  }

  /**
   * The task (`Scheduler.tasksRun`) that sent the command whose answer task `task` delivers,
   * if it delivers one: Redis ran that command before every task after the sender's (the
   * scheduler waits for the answers in flight), so this orders it among the run's events,
   * a restart of Redis in its ms included.
   */
  sentInTaskOf(task: number): number | undefined {
    return this.#answering?.task === task ? this.#answering.sentIn : undefined;
  }

  /** Called by a gate as its answer task runs. */
  answering(sentIn: number): void {
    this.#answering = { task: this.sim.tasksRun, sentIn };
  }

  /** Runs `work` (real time) before the scheduler picks another task. */
  hold(work: Promise<void>): void {
    const previous = this.#busy ?? Promise.resolve();
    this.#busy = previous.then(() => work).catch(() => {});
  }

  /** What the scheduler awaits: the answers in flight and the work held; undefined when none. */
  pending(): Promise<void> | undefined {
    const waits: Promise<unknown>[] = [];
    for (const gate of this.#connections) {
      if (gate.inFlight.size > 0) waits.push(...gate.inFlight);
      else if (!gate.process.alive) this.#connections.delete(gate);
    }
    if (waits.length === 0 && !this.#busy) return undefined;
    const busy = this.#busy;
    this.#busy = undefined;
    return Promise.all([busy, ...waits]).then(
      () => {},
      () => {},
    );
  }
}

/** One server process's connection to the run's Redis. */
export class RedisGate implements RedisCommandClient {
  readonly #lane: Lane;
  /** Answers Redis has not given yet: the scheduler waits for them before it moves on. */
  readonly inFlight = new Set<Promise<unknown>>();
  #last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sim: Scheduler,
    private readonly client: RedisCommandClient,
    readonly process: Context,
    private readonly host: Pick<SimRedis, 'failWrites' | 'answering'>,
  ) {
    this.#lane = sim.lane(`redis of ${process.id}`, () => process);
  }

  sendCommand(args: ReadonlyArray<string>): Promise<unknown> {
    const command = String(args[0]).toUpperCase();
    const write = !READS.has(command);
    if (write && this.host.failWrites > 0) {
      this.host.failWrites -= 1;
      return this.#answer(Promise.reject(new Error(`simulated failure of ${command}`)));
    }
    return this.#answer(this.client.sendCommand(args));
  }

  #answer(real: Promise<unknown>): Promise<unknown> {
    const sentAt = this.sim.now;
    const sentIn = this.sim.tasksRun;
    const outcome = real.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    // Answers are delivered in the order the commands were sent, a refused one included.
    const settled = Promise.all([this.#last, outcome]).then(([, answer]) => answer);
    this.#last = settled;
    this.inFlight.add(settled);
    return new Promise((resolve, reject) => {
      void settled.then((outcome) => {
        this.inFlight.delete(settled);
        const delay = Math.max(0, sentAt + REDIS_LATENCY - this.sim.now);
        this.sim.post(
          this.#lane,
          'redis answer',
          () => {
            this.host.answering(sentIn);
            if (outcome.ok) resolve(outcome.value);
            else reject(outcome.error);
          },
          delay,
        );
      });
    });
  }
}
