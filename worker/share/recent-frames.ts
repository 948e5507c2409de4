import type { SessionCursor, TabFrame } from '../../protocol/tab-hub';

/** What a tab or hub behind the stream missed: nothing, the frames after its cursor, or too many. */
export type Missed = TabFrame[] | 'resync' | undefined;

/** How many numbered frames a connection keeps for tabs that come back (about a second of a busy feed). */
export const RECENT_FRAMES = 256;

/**
 * Whether wall-clock date `a` (`TabFrame.at`, an open's `since`) comes before `b`, both read
 * as at `now`, the reader's clock: a date past it (beyond what two contexts' clocks may read
 * apart at one instant) was read before the clock stepped back, or while it ran ahead, and so
 * comes before every date read since (review 24j); dates of one side of a step compare as
 * read. No `now` (`NaN` past it): as read. A date not given (`undefined`) compares false.
 */
export function before(a: number, b: number, now?: number): boolean {
  const read = (at: number) => (at > (now as number) + 100 ? at - 1e13 : at);
  return read(a) < read(b);
}

/**
 * The last numbered frames of a connection, for a tab that comes back with a cursor: a
 * page reloaded while the worker kept the socket (Chromium) missed what arrived in
 * between, and gets it from here rather than not at all. Bounded by count: a tab whose
 * cursor is older than the oldest kept frame gets `resync` instead.
 */
export class RecentFrames {
  /** A ring: the oldest frame is at `#next`, where the next one goes, once full (at 0 before). */
  readonly #frames: TabFrame[] = [];
  /** When each kept frame was heard (`add`'s `at`), in the same places. */
  readonly #heardAt: number[] = [];
  #next = 0;
  /** When the newest frame no longer kept was heard. */
  #droppedAt = Number.NEGATIVE_INFINITY;
  /** When the newest frame was heard (`add`'s `at`). */
  #lastHeardAt = Number.NEGATIVE_INFINITY;
  /** The number of the last frame kept (0: none). */
  #newest = 0;
  /** The session the kept frames belong to. */
  #session = '';

  constructor(private readonly limit = RECENT_FRAMES) {}

  /** The connection is on `session` now: the frames of another one mean nothing to it. */
  follow(session: string): void {
    if (session === this.#session) return;
    this.#session = session;
    this.#newest = 0;
    this.gap(Number.NEGATIVE_INFINITY);
  }

  /**
   * The stream went on past a gap at `at` (a `resync` within the session): the frames kept
   * are before it, and a cursor among them missed it.
   */
  gap(at: number): void {
    this.#frames.length = 0;
    this.#heardAt.length = 0;
    this.#next = 0;
    this.#droppedAt = at;
  }

  /**
   * Keeps a numbered frame, in place of the oldest once full: no copying on the push path.
   * One kept already (the server replays it to a resume that went back, `WireLink.rewind`) is not kept again.
   * `at`: when this hub heard it (see `heardSince`).
   */
  add(frame: TabFrame, at = 0): void {
    if (frame.seq === undefined) return;
    if (frame.seq <= this.#newest) return;
    this.#newest = frame.seq;
    this.#lastHeardAt = at;
    if (this.#frames.length < this.limit) {
      this.#frames.push(frame);
      this.#heardAt.push(at);
    } else {
      this.#droppedAt = this.#heardAt[this.#next] ?? at;
      this.#frames[this.#next] = frame;
      this.#heardAt[this.#next] = at;
    }
    this.#next = (this.#next + 1) % this.limit;
  }

  /**
   * When this hub last heard the stream go on: its newest push, or a gap since (a resync is
   * dated when heard, after the pushes it lost).
   */
  get heardTo(): number {
    return Math.max(this.#lastHeardAt, this.#droppedAt);
  }

  /**
   * The frames of `current`'s session heard at `at` or later (`TabFrame.at`: when the socket
   * heard them, not when a lagging channel brought them here), oldest first, for a hub that
   * joins without a cursor of it (its tabs opened then: `PeerMessage` join's `since`);
   * `'resync'` when one of them is no longer kept. Dates as read at `now` (`before`).
   */
  heardSince(at: number, current: SessionCursor | undefined, now?: number): Missed {
    if (current?.session !== this.#session) return undefined;
    if (!before(this.#droppedAt, at, now)) return 'resync';
    // Heard in the order kept: those before `at` are the oldest.
    return this.#oldestFirst().slice(
      this.#heardAt.filter((heard) => before(heard, at, now)).length,
    );
  }

  /**
   * What a tab or hub whose stream stands at `cursor` (of the connection at `current`)
   * missed: nothing (`undefined`), the frames after it, or `'resync'` when some of them
   * are no longer kept. A cursor of another session (one the server lost, while the tab or
   * hub was away) missed that session's last pushes and this one's: `'resync'`, unless no
   * push was numbered on either side and no server that numbers them had the cursor's
   * session (a plain server numbers none; a tab with such a cursor resyncs after a worker
   * death only here). Asked once the connection opened (`HeardStream.missedBy`): before, the
   * hub may yet go on with the cursor's session.
   */
  missedBy(cursor: SessionCursor, current: SessionCursor | undefined): Missed {
    if (!current) return undefined;
    if (current.session !== cursor.session)
      return missesOther(cursor, current) ? 'resync' : undefined;
    if (cursor.seq >= current.seq) return undefined;
    const frames = this.#oldestFirst();
    const first = frames[0]?.seq;
    if (this.#session !== cursor.session || first === undefined || first > cursor.seq + 1) {
      return 'resync';
    }
    return frames.filter((frame) => (frame.seq ?? 0) > cursor.seq);
  }

  /**
   * Whether `cursor` stands at or past the oldest frame kept, which came after the last gap
   * (`gap` empties the ring): a tab or hub at it heard the stream past that gap.
   */
  heardPastGap(cursor: SessionCursor): boolean {
    // The oldest is at `#next` once the ring is full, at 0 before.
    const oldest = (this.#frames[this.#next] ?? this.#frames[0])?.seq;
    return cursor.session === this.#session && oldest !== undefined && cursor.seq >= oldest;
  }

  /** The ring from `#next` (before it wrapped, `#next` is its length). */
  #oldestFirst(): TabFrame[] {
    return [...this.#frames.slice(this.#next), ...this.#frames.slice(0, this.#next)];
  }
}

/**
 * Whether a tab or hub at `cursor`, of another session than `current`'s, missed pushes: no
 * push numbered on either side, and no server that numbers them had `cursor`'s session, is
 * all that spares it the `resync` (`RecentFrames.missedBy`). An owner's answer to a join says
 * so (`OwnerMessage` owner's `resyncs`).
 */
export function missesOther(cursor: SessionCursor, current: SessionCursor): boolean {
  return cursor.seq > 0 || !!cursor.numbered || current.seq > 0;
}
