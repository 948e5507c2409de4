/**
 * The simulation's one scheduler: virtual time, and every event of the simulated world (a
 * port or BroadcastChannel message, a Web Lock grant, a socket event on either end, a timer)
 * as a task in its queue. Between two tasks the microtasks drain, as in a browser; which
 * ready task runs next is the seeded choice.
 */
import { setImmediate as realSetImmediate } from 'node:timers';
import { seededRandom } from '../worker/test-support/seeded-random';

/** Where code runs: a tab, a worker, a server process. Dies once, and nothing of it runs after. */
export class Context {
  alive = true;
  readonly #onKill: Array<() => void> = [];

  constructor(readonly id: string) {}

  /** Runs `cleanup` when the context dies (its locks let go, its sockets reset). */
  onKill(cleanup: () => void): void {
    this.#onKill.push(cleanup);
  }

  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    for (const cleanup of this.#onKill.splice(0)) cleanup();
  }
}

interface Task {
  due: number;
  label: string;
  run: () => void;
}

/**
 * A FIFO of deliveries to one receiver (a port, a socket end, a channel): its tasks run in
 * the order posted, as a MessagePort's or a TCP stream's do; only heads of queues compete.
 */
export class Lane {
  readonly queue: Task[] = [];

  constructor(
    readonly id: number,
    readonly name: string,
    /** The receiver's context, read at delivery: a transferred port moves to another one. */
    readonly owner: () => Context,
  ) {}
}

interface TimerTask extends Task {
  id: number;
  context: Context;
}

/** Why a run stopped early: a task threw out of the simulated code (a bug of its own). */
export class SimulationCrash extends Error {}

export class Scheduler {
  now = 0;
  /** The context whose task runs now; the stubbed globals answer for it. */
  current: Context;
  readonly root = new Context('sim');
  /** The context of the host's own code, run while the world waits on it (see `external`). */
  readonly outside = new Context('outside');
  /** The world's own randomness (latencies, jitter, ids): derived from the run's seed. */
  readonly random: () => number;
  readonly #lanes = new Set<Lane>();
  readonly #timers = new Map<number, TimerTask>();
  #nextLane = 0;
  #nextTimer = 1;
  readonly #tieBreak: () => number;
  readonly #choices: readonly number[];
  #choiceAt = 0;
  #taskCount = 0;
  #serial = 0;
  /** Real work in flight outside the world, awaited before each pick (see RedisGate). */
  external: (() => Promise<void> | undefined) | undefined;
  /** One line per task run: what the determinism check hashes (with the history). */
  readonly trace: string[] = [];
  readonly #traceTasks: boolean;

  constructor(seed: number, choices: readonly number[], options: { trace?: boolean } = {}) {
    this.random = seededRandom(seed);
    // Its own stream: how ties are broken must not move the world's latencies and ids.
    this.#tieBreak = seededRandom(seed ^ 0x5bd1e995);
    this.#choices = choices;
    this.current = this.root;
    this.#traceTasks = options.trace ?? false;
  }

  /** A number unique in this run, for ids the world hands out. */
  serial(): number {
    return ++this.#serial;
  }

  get tasksRun(): number {
    return this.#taskCount;
  }

  lane(name: string, owner: () => Context): Lane {
    return new Lane(this.#nextLane++, name, owner);
  }

  /** Queues `run` on `lane`, due `delay` ms from now and never before the lane's last task. */
  post(lane: Lane, label: string, run: () => void, delay = 0): void {
    const last = lane.queue.at(-1);
    const due = Math.max(this.now + delay, last?.due ?? 0);
    lane.queue.push({ due, label, run });
    this.#lanes.add(lane);
  }

  setTimer(context: Context, ms: number, run: () => void, label = 'timer'): number {
    const id = this.#nextTimer++;
    const due = this.now + Math.max(0, Number.isFinite(ms) ? ms : 0);
    this.#timers.set(id, { id, due, label, run, context });
    return id;
  }

  clearTimer(id: unknown): void {
    if (typeof id === 'number') this.#timers.delete(id);
  }

  /** The earliest time from `from` on when a task of a lane `matches` is due. */
  nextDue(from: number, matches: (lane: Lane) => boolean): number | undefined {
    let next: number | undefined;
    for (const lane of this.#lanes) {
      if (!matches(lane)) continue;
      const task = lane.queue.find(({ due }) => due >= from);
      if (task && (next === undefined || task.due < next)) next = task.due;
    }
    return next;
  }

  /** The id the next timer gets: timers set from now on have this one or a higher one. */
  get nextTimerId(): number {
    return this.#nextTimer;
  }

  /** Timers pending in `context`, of those set before timer id `before`. */
  timersOf(context: Context, before = Number.POSITIVE_INFINITY): number {
    let count = 0;
    for (const timer of this.#timers.values()) {
      if (timer.context === context && timer.id < before) count += 1;
    }
    return count;
  }

  /** Runs `fn` as `context`, as a task of it would (for the driver's own actions). */
  as<T>(context: Context, fn: () => T): T {
    const before = this.current;
    this.current = context;
    try {
      return fn();
    } finally {
      this.current = before;
    }
  }

  /** Runs tasks until the clock passes `until` or nothing is left; microtasks drain after each. */
  async runUntil(until: number): Promise<void> {
    await drainMicrotasks();
    for (;;) {
      // Real work the world waits on (a real Redis's answers) lands before the next pick.
      for (let wait = this.external?.(); wait; wait = this.external?.()) {
        // What runs meanwhile is the host's (a Redis client reconnecting): its timers are real.
        this.current = this.outside;
        await wait;
        await drainMicrotasks();
        this.current = this.root;
      }
      const task = this.#next(until);
      if (!task) break;
      await this.#run(task.context, task.task);
    }
    this.now = Math.max(this.now, until);
  }

  async #run(context: Context, task: Task): Promise<void> {
    this.#taskCount += 1;
    if (this.#traceTasks) this.trace.push(`${this.now} ${context.id} ${task.label}`);
    this.current = context;
    try {
      task.run();
    } catch (error) {
      throw new SimulationCrash(`task ${task.label} in ${context.id} threw`, { cause: error });
    }
    await drainMicrotasks();
    this.current = this.root;
  }

  /** The next task to run: among those due now, the seeded choice; else the clock moves on. */
  #next(until: number): { context: Context; task: Task } | undefined {
    for (;;) {
      const ready: Array<{ context: Context; task: Task; take: () => void }> = [];
      let earliest = Number.POSITIVE_INFINITY;
      for (const lane of this.#lanes) {
        const head = lane.queue[0];
        if (!head) {
          this.#lanes.delete(lane);
          continue;
        }
        const owner = lane.owner();
        if (!owner.alive) {
          // Nothing is delivered to the dead: their queues empty as they die.
          lane.queue.length = 0;
          this.#lanes.delete(lane);
          continue;
        }
        if (head.due <= this.now)
          ready.push({ context: owner, task: head, take: () => lane.queue.shift() });
        else earliest = Math.min(earliest, head.due);
      }
      for (const timer of this.#timers.values()) {
        if (!timer.context.alive) {
          this.#timers.delete(timer.id);
          continue;
        }
        if (timer.due <= this.now) {
          ready.push({
            context: timer.context,
            task: timer,
            take: () => this.#timers.delete(timer.id),
          });
        } else earliest = Math.min(earliest, timer.due);
      }
      if (ready.length > 0) {
        const pick = ready[this.#choose(ready.length)] as (typeof ready)[number];
        pick.take();
        return pick;
      }
      if (earliest > until || earliest === Number.POSITIVE_INFINITY) return undefined;
      this.now = earliest;
    }
  }

  /** The generated choices first (what fast-check shrinks), then the seeded stream. */
  #choose(count: number): number {
    if (count === 1) return 0;
    const choice = this.#choices[this.#choiceAt++];
    if (choice !== undefined) return choice % count;
    return Math.floor(this.#tieBreak() * count);
  }
}

/** Lets every queued microtask (and those they queue) run: a macrotask of the host, not the world. */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}
