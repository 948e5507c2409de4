import type { InboundFrame } from './inbound-frame';
import type { TabEventMessage } from './protocol';

/** Where a batch goes: one tab's port. */
export interface BatchTarget {
  postMessage(message: TabEventMessage): void;
}

/** Runs `task` once, soon, after the tasks already queued (not as a microtask). */
export type ScheduleTask = (task: () => void) => void;

/**
 * Posts inbound frames to the tabs, one message per tab and connection for each run of
 * frames. While traffic is sparse a frame goes out at once; while a burst arrives (a
 * backlog after a reconnect, a fast feed) the frames that come in meanwhile are gathered
 * until the next task and posted together, so a tab pays one message, not one per frame.
 * The worker → tab hop is what limits push throughput, and this is where it is cut.
 */
export class FrameBatcher {
  readonly #pending = new Map<BatchTarget, Map<string, InboundFrame[]>>();
  #bursting = false;

  constructor(private readonly schedule: ScheduleTask) {}

  add(target: BatchTarget, name: string, frame: InboundFrame): void {
    if (!this.#bursting) {
      target.postMessage({ tabsocket: { kind: 'frames', name, frames: [frame] } });
      this.#bursting = true;
      this.schedule(this.#drain);
      return;
    }
    let byName = this.#pending.get(target);
    if (!byName) {
      byName = new Map();
      this.#pending.set(target, byName);
    }
    const frames = byName.get(name);
    if (frames) frames.push(frame);
    else byName.set(name, [frame]);
  }

  /** Posts what waits now: before any other event, so a tab sees everything in order. */
  flush(): void {
    for (const [target, byName] of this.#pending) {
      for (const [name, frames] of byName) {
        target.postMessage({ tabsocket: { kind: 'frames', name, frames } });
      }
    }
    this.#pending.clear();
  }

  readonly #drain = (): void => {
    if (this.#pending.size === 0) {
      this.#bursting = false;
      return;
    }
    this.flush();
    this.schedule(this.#drain);
  };
}

/**
 * The next-task scheduler of a worker: a message to ourselves. Unlike `setTimeout(0)` it
 * is never clamped to 4 ms, and unlike a microtask it lets the socket's queued messages in first.
 */
export function nextTask(): ScheduleTask {
  const channel = new MessageChannel();
  const queue: Array<() => void> = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return (task) => {
    queue.push(task);
    channel.port2.postMessage(null);
  };
}
