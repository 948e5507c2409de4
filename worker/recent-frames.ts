import type { SessionCursor, TabFrame } from '../protocol/tab-hub';

/** How many numbered frames a connection keeps for tabs that come back (about a second of a busy feed). */
export const RECENT_FRAMES = 256;

/**
 * The last numbered frames of a connection, for a tab that comes back with a cursor: a
 * page reloaded while the worker kept the socket (Chromium) missed what arrived in
 * between, and gets it from here rather than not at all. Bounded by count: a tab whose
 * cursor is older than the oldest kept frame gets `resync` instead.
 */
export class RecentFrames {
  readonly #frames: TabFrame[] = [];
  /** The session the kept frames belong to. */
  #session = '';

  constructor(private readonly limit = RECENT_FRAMES) {}

  get session(): string {
    return this.#session;
  }

  /** The connection is on `session` now: the frames of another one mean nothing to it. */
  follow(session: string): void {
    if (session === this.#session) return;
    this.#session = session;
    this.#frames.length = 0;
  }

  add(frame: TabFrame): void {
    if (frame.seq === undefined) return;
    this.#frames.push(frame);
    if (this.#frames.length > this.limit) this.#frames.shift();
  }

  /**
   * What a tab or hub whose stream stands at `cursor` (of the connection at `current`)
   * missed: nothing (`undefined`), the frames after it, or `'resync'` when some of them
   * are no longer kept.
   */
  missedBy(
    cursor: SessionCursor,
    current: SessionCursor | undefined,
  ): TabFrame[] | 'resync' | undefined {
    if (current?.session !== cursor.session || cursor.seq >= current.seq) return undefined;
    const first = this.#frames[0]?.seq;
    if (this.#session !== cursor.session || first === undefined || first > cursor.seq + 1) {
      return 'resync';
    }
    return this.#frames.filter((frame) => (frame.seq ?? 0) > cursor.seq);
  }
}
