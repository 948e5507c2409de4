import type { TabEvent, TabFrame } from '../../protocol/tab-hub';
import { RECENT_FRAMES } from './recent-frames';

/** How many owners' frames a joining hub keeps: the one it follows, and one that replaces it. */
const SENDERS_KEPT = 2;

/** The numbered frames one owner relayed since its last `resync`, as this hub heard them. */
export interface Heard {
  frames: TabFrame[];
  /** Some were dropped to stay within `RECENT_FRAMES`: what is kept starts after a gap. */
  cut: boolean;
}

/**
 * The pushes a relaying hub hears before the owner answers its join. A join with a cursor
 * of the owner's session gets them again in the owner's catch-up, but a join without one
 * (a new tab, a tab of another session) gets no catch-up: its stream starts at the answer,
 * while its tabs, told `open` from the first announcement they heard, were promised every
 * push since (review 20c's lagging relay). So the hub keeps them, and passes those of the
 * owner that answered once it answers.
 */
export class UnansweredFrames {
  readonly #heard = new Map<string, Heard>();

  /** `spared`: a `resync` not for this hub (its tabs were told one for its join). */
  hear(owner: string, event: TabEvent, spared = false): void {
    // What came before a resync its tabs hear now is in that resync.
    if (event.kind === 'resync' && !spared) this.#heard.delete(owner);
    if (event.kind !== 'frames') return;
    let heard = this.#heard.get(owner);
    if (!heard) {
      heard = { frames: [], cut: false };
      this.#heard.set(owner, heard);
      const [oldest] = this.#heard.keys();
      if (this.#heard.size > SENDERS_KEPT && oldest !== undefined) this.#heard.delete(oldest);
    }
    for (const frame of event.frames) {
      if (frame.seq === undefined) continue;
      // Numbers only grow within a session: one that does not is of the session that
      // followed a resync this hub was spared, whose owner's verdict told its tabs.
      if (frame.seq <= (heard.frames.at(-1)?.seq ?? 0)) heard.frames.length = 0;
      heard.frames.push(frame);
    }
    if (heard.frames.length > RECENT_FRAMES) {
      heard.frames.splice(0, heard.frames.length - RECENT_FRAMES);
      heard.cut = true;
    }
  }

  /** What `owner` relayed, no later than `seq`, and forgets every owner's. */
  take(owner: string, seq: number): Heard {
    const heard = this.#heard.get(owner) ?? { frames: [], cut: false };
    this.#heard.clear();
    return { ...heard, frames: heard.frames.filter((frame) => (frame.seq ?? 0) <= seq) };
  }

  clear(): void {
    this.#heard.clear();
  }
}
