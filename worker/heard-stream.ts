import type { TabSocketError } from '../protocol/errors';
import type { ConnectionState, StateDetail } from '../protocol/state';
import type { SessionCursor, TabFrame } from '../protocol/tab-hub';
import { type Missed, RecentFrames } from './recent-frames';
import type { PeerListener } from './relay-peer';

/**
 * What a hub's tabs hear of one connection, whoever owns its socket: it passes everything
 * on, keeps the last pushes for a tab or a peer hub that comes back behind the stream, and
 * tells the builds only when they change.
 */
export class HeardStream implements PeerListener {
  readonly #recent = new RecentFrames();
  #builds: string[] = [];
  #state: ConnectionState = 'idle';
  /**
   * Catch-ups of cursors of another session, waiting for the socket to open (`missedBy`):
   * one per tab or hub they are for, dropped when its open is released or superseded.
   */
  readonly #unanswered = new Map<string, () => void>();

  constructor(private readonly listener: PeerListener) {}

  /** The builds of the hubs on the connection, as last told. */
  get knownBuilds(): string[] {
    return this.#builds;
  }

  /**
   * `answer`: what a tab or hub whose stream stands at `cursor` missed, while the connection
   * stands at `current()` (`RecentFrames.missedBy`). A cursor of another session waits for the
   * socket to open: until then the hub may yet go on with the cursor's session (a rejoin's
   * cursor, `WireLink.learn`), and then nothing was missed. A login that ends first answers
   * nothing. `by`: the tab or hub it is for; its next verdict kept replaces this one.
   */
  missedBy(
    by: string,
    cursor: SessionCursor,
    current: () => SessionCursor | undefined,
    answer: (missed: Missed) => void,
  ): void {
    const verdict = () => answer(this.#recent.missedBy(cursor, current()));
    const other = current()?.session;
    if (this.#state !== 'open' && other !== undefined && other !== cursor.session) {
      this.#unanswered.set(by, verdict);
    } else verdict();
  }

  /** Drops the verdict kept for `by` (`missedBy`): the open it was for is gone. */
  forget(by: string): void {
    this.#unanswered.delete(by);
  }

  state(state: ConnectionState, detail: StateDetail): void {
    this.#state = state;
    // Before the tabs hear `open`: a resync goes ahead of the pushes that follow.
    if (state === 'open' || state === 'closed' || state === 'failed') {
      if (state === 'open') for (const verdict of this.#unanswered.values()) verdict();
      this.#unanswered.clear();
    }
    this.listener.state(state, detail);
  }

  /** `session`: the one the frame belongs to, where the hub may not have been told it. */
  frame(frame: TabFrame, session?: string): void {
    if (session !== undefined) this.#recent.follow(session);
    this.#recent.add(frame);
    this.listener.frame(frame);
  }

  error(error: TabSocketError): void {
    this.listener.error(error);
  }

  resync(owed?: true): void {
    this.listener.resync(owed);
  }

  cursor(cursor: SessionCursor): void {
    this.#recent.follow(cursor.session);
    this.listener.cursor(cursor);
  }

  builds(builds: string[]): void {
    if (builds.join('\n') === this.#builds.join('\n')) return;
    this.#builds = builds;
    this.listener.builds(builds);
  }
}
