import { MalformedFrameError, serializeError } from '../../protocol/errors';
import type { TabEvent } from '../../protocol/tab-hub';
import type { ScheduleTask } from '../platform';
import type { TabFrame } from '../socket/inbound-frame';

/**
 * How an event reaches one target: a tab's port (`TabRegistry`), or the relay's channel
 * (`RelayOwner`, whose peers hear the pushes batched as its tabs do). It may throw (a
 * structured clone refused): see `post`.
 */
export type Tell<Target> = (target: Target, event: TabEvent) => void;

/** What waits for one tab and connection until the next task. */
interface Batch {
  frames: TabFrame[];
  /** The last push the tab was passed over for (of a topic it does not want), if any. */
  passed: number | undefined;
}

const NO_TARGETS: readonly never[] = [];

/**
 * Posts inbound frames to the tabs, one message per tab and connection for each run of
 * frames. While traffic is sparse a frame goes out at once; while a burst arrives (a
 * backlog after a reconnect, a fast feed) the frames that come in meanwhile are gathered
 * until the next task and posted together, so a tab pays one message, not one per frame.
 * The worker → tab hop is what limits push throughput, and this is where it is cut.
 */
export class FrameBatcher<Target> {
  readonly #pending = new Map<Target, Map<string, Batch>>();
  #bursting = false;

  constructor(
    private readonly schedule: ScheduleTask,
    private readonly tell: Tell<Target>,
  ) {}

  /**
   * Sends `frame` to every one of `targets` alike: all at once, or all gathered. No tab may
   * be a task ahead of another: a worker killed in between would leave their cursors apart,
   * and the fresh worker, resuming from the first tab's, would skip that push for the rest.
   * `passedOver`, the tabs on the connection that do not want `frame` (a push, numbered),
   * are told its number alike: their cursors keep up with the stream too.
   */
  add(
    targets: readonly Target[],
    name: string,
    frame: TabFrame,
    passedOver: readonly Target[] = NO_TARGETS,
  ): void {
    if (!this.#bursting) {
      this.#bursting = true;
      this.schedule(this.#drain);
      for (const target of targets) this.#post(target, name, [frame], undefined);
      for (const target of passedOver) this.#post(target, name, [], frame.seq);
      return;
    }
    for (const target of targets) this.#batchOf(target, name).frames.push(frame);
    for (const target of passedOver) this.#batchOf(target, name).passed = frame.seq;
  }

  #batchOf(target: Target, name: string): Batch {
    let byName = this.#pending.get(target);
    if (!byName) {
      byName = new Map();
      this.#pending.set(target, byName);
    }
    let batch = byName.get(name);
    if (!batch) {
      batch = { frames: [], passed: undefined };
      byName.set(name, batch);
    }
    return batch;
  }

  /** Posts what waits now: before any other event, so a tab sees everything in order. */
  flush(): void {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [target, byName] of pending) {
      for (const [name, { frames, passed }] of byName) this.#post(target, name, frames, passed);
    }
  }

  readonly #drain = (): void => {
    if (this.#pending.size === 0) {
      this.#bursting = false;
      return;
    }
    this.flush();
    this.schedule(this.#drain);
  };

  /** Posts `frames` and, when the tab was passed over for a push since, that push's number. */
  #post(target: Target, name: string, frames: TabFrame[], passed: number | undefined): void {
    const event: TabEvent =
      passed === undefined
        ? { kind: 'frames', name, frames }
        : { kind: 'frames', name, frames, seq: passed };
    try {
      this.tell(target, event);
    } catch {
      // Structured clone refused the batch: some value in it is nested too deep for the
      // browser (a hostile server's 3,000-deep JSON is 6 KB). That frame must cost no other.
      const tell = (event: TabEvent) => this.tell(target, event);
      for (const frame of frames) postAlone(tell, name, frame);
      if (passed !== undefined) tryTell(tell, { kind: 'frames', name, frames: [], seq: passed });
    }
  }
}

/** Posts one frame; one the tab cannot receive goes as JSON text with an error, or as the error alone. */
function postAlone(tell: (event: TabEvent) => void, name: string, frame: TabFrame): void {
  if (tryTell(tell, { kind: 'frames', name, frames: [frame] })) return;
  const text = jsonText(frame.data);
  const delivered =
    text !== undefined &&
    tryTell(tell, { kind: 'frames', name, frames: [{ ...frame, data: text }] });
  const error = new MalformedFrameError(
    delivered
      ? `tabsocket: a frame could not be passed to the tab as a value; delivered as JSON text (${text.length} characters)`
      : 'tabsocket: a frame could not be passed to the tab, as a value or as text; dropped',
  );
  tryTell(tell, { kind: 'error', name, error: serializeError(error) });
}

function tryTell(tell: (event: TabEvent) => void, event: TabEvent): boolean {
  try {
    tell(event);
    return true;
  } catch {
    return false;
  }
}

function jsonText(data: unknown): string | undefined {
  try {
    return JSON.stringify(data);
  } catch {
    return undefined;
  }
}
