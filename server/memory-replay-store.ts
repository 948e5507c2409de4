import type { Clock } from '../protocol/clock';
import { nodeClock } from './node-clock';
import { type ReplayLimits, ReplayLog } from './replay-log';
import type { PushEntry, PushPayload, ReplayStore } from './replay-store';

/** The default replay store: a bounded log per session in this process's memory. */
export class MemoryReplayStore implements ReplayStore {
  readonly #logs = new Map<string, ReplayLog>();

  constructor(
    private readonly limits: ReplayLimits,
    private readonly clock: Clock = nodeClock,
  ) {}

  append(session: string, payload: PushPayload): number {
    let log = this.#logs.get(session);
    if (!log) {
      log = new ReplayLog(this.limits, this.clock);
      this.#logs.set(session, log);
    }
    return log.append(payload);
  }

  since(session: string, last: number): PushEntry[] | undefined {
    const log = this.#logs.get(session);
    if (!log) return last === 0 ? [] : undefined;
    return log.since(last);
  }

  head(session: string): number {
    return this.#logs.get(session)?.head ?? 0;
  }

  drop(session: string): void {
    this.#logs.delete(session);
  }
}
