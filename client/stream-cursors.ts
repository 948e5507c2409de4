import type { SessionCursor, TabEvent, TabFrame } from '../protocol/tab-hub';

/** Where a page keeps its cursors across a reload: sessionStorage is the tab's own. */
const STORAGE_KEY = 'tabsocket:cursors';

interface Saved {
  url: string;
  cursor: SessionCursor;
}

/**
 * What this tab knows of each connection's session: the cursor the hub last told, moved on
 * by the number of every push the tab is given, or passed over for (of a topic it does not
 * want). A push the tab had already is dropped: the hub that takes a socket over (a fresh
 * worker after a death, another build's, another tab's) resumes from the cursor it knew,
 * which may lag a little behind, and the tab must still see each push once. The cursor
 * goes to that hub: the tab hands it over after a worker died, and keeps it in
 * sessionStorage across a reload, where Firefox and Safari end the worker with its last
 * page.
 */
export class StreamCursors {
  readonly #cursors = new Map<string, SessionCursor>();
  /**
   * A newer session's cursor (a higher `epoch`), taken with the hub's next word: a server's
   * `resync` onto a new id comes as that cursor, then the resync (`WireLink.#resynced`), two
   * messages; a page that left between them kept the new session's cursor without the
   * resync, and its next hub owed it nothing (review 23l). Kept back, that page's cursor is
   * the old session's, which its next hub tells the resync.
   */
  readonly #moved = new Map<string, SessionCursor>();

  get(name: string): SessionCursor | undefined {
    return this.#cursors.get(name);
  }

  /**
   * A cursor from the hub: a new session's replaces the old one, the same session's moves on
   * (and stops being fresh once either says a resume of it was written).
   */
  tell(name: string, cursor: SessionCursor | undefined): void {
    if (!cursor) return;
    const known = this.#cursors.get(name);
    if (known?.session !== cursor.session) {
      this.#cursors.set(name, { ...cursor });
      return;
    }
    known.seq = Math.max(known.seq, cursor.seq);
    known.nextId = Math.max(known.nextId, cursor.nextId);
    // A resume of it was written: a server may have it from now on.
    if (!cursor.fresh) delete known.fresh;
    if (cursor.numbered) known.numbered = true;
  }

  /**
   * The event for the handles, if any: a cursor is taken here, and of frames only those the
   * tab has not been given yet go on.
   */
  pass(event: TabEvent): TabEvent | undefined {
    const { name } = event;
    this.tell(name, this.#moved.get(name));
    this.#moved.delete(name);
    if (event.kind === 'cursor') {
      const { cursor } = event;
      const known = this.#cursors.get(name);
      if (known && (cursor.epoch ?? 0) > (known.epoch ?? 0)) this.#moved.set(name, cursor);
      else this.tell(name, cursor);
      return undefined;
    }
    if (event.kind !== 'frames') return event;
    const frames = this.#fresh(event.name, event.frames);
    if (event.seq !== undefined) this.#passOver(event.name, event.seq);
    if (frames.length === event.frames.length && frames.length > 0) return event;
    return frames.length > 0 ? { ...event, frames } : undefined;
  }

  /** The stream went on to `seq` with pushes this tab does not want: its cursor goes too. */
  #passOver(name: string, seq: number): void {
    const cursor = this.#cursors.get(name);
    if (cursor && seq > cursor.seq) cursor.seq = seq;
  }

  #fresh(name: string, frames: TabFrame[]): TabFrame[] {
    const cursor = this.#cursors.get(name);
    if (!cursor) return frames;
    return frames.filter(({ seq }) => {
      if (seq === undefined) return true;
      if (seq <= cursor.seq) return false;
      cursor.seq = seq;
      return true;
    });
  }

  forget(name: string): void {
    this.#cursors.delete(name);
    this.#moved.delete(name);
  }

  /** Keeps the cursors of the connections (name → their options) for the page that follows. */
  save(connections: Map<string, { options: { url: string } }>): void {
    const saved: Record<string, Saved> = {};
    for (const [
      name,
      {
        options: { url },
      },
    ] of connections) {
      const cursor = this.#cursors.get(name);
      if (cursor) saved[name] = { url, cursor };
    }
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    } catch {
      // No storage (disabled, sandboxed, full): a reload then starts a new session.
    }
  }

  /** The cursor a page before this one saved for `name` under `url`, once: it is used up. */
  takeSaved(name: string, url: string): SessionCursor | undefined {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}') as Record<
        string,
        Saved | undefined
      >;
      const entry = saved[name];
      if (!entry) return undefined;
      delete saved[name];
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
      // Another url is another login: its session is not this one's.
      return entry.url === url ? entry.cursor : undefined;
    } catch {
      return undefined;
    }
  }
}
