import { type Clock, systemClock } from '../../protocol/clock';
import { serializeError, type TabSocketError } from '../../protocol/errors';
import type { OwnerStatus } from '../../protocol/relay';
import type { ConnectionState, StateDetail } from '../../protocol/state';
import type { SessionCursor, TabEvent, TabFrame } from '../../protocol/tab-hub';
import type { ConnectionEvents, ResyncReach } from '../socket/connection-events';
import { before, type Missed, RecentFrames } from './recent-frames';

/** The tabs of this hub on a connection, as the stream reaches them (`TabRegistry`). */
export interface HeardTabs {
  /** An event to every tab on `name`, after the frames before it. */
  post(name: string, event: TabEvent): void;
  /** An event to one tab. */
  postTo(tabId: string, event: TabEvent): void;
  /** A frame to the tabs on `name` that want it. */
  deliver(name: string, frame: TabFrame, now?: number): void;
}

/** Where a detached stream's events go: nowhere. */
const DETACHED: HeardTabs = { post() {}, postTo() {}, deliver() {} };

/** The peers an owner serves: they hear what its tabs hear, but count the builds themselves. */
export type ServedPeers = Omit<ConnectionEvents, 'builds'>;

/** The socket this hub owns, as a catch-up asks it to go back for a cursor behind (`Connection.rewind`), and where it stands. */
export interface RewindableSocket {
  rewind(cursor: SessionCursor): void;
  readonly cursor: SessionCursor;
}

/**
 * What a hub's tabs hear of one connection, whoever owns its socket: the one sink of its
 * `ConnectionEvents`. It tells the tabs, and the peers while this hub owns the socket and
 * serves them; it keeps the last pushes for a tab or a peer hub that comes back behind the
 * stream, and tells the builds only when they change.
 */
export class HeardStream implements ConnectionEvents {
  readonly #recent = new RecentFrames();
  #builds: string[] = [];
  #peers: ServedPeers | undefined;
  #socket: RewindableSocket | undefined;
  #state: ConnectionState = 'idle';
  /**
   * Catch-ups of cursors of another session, waiting for the socket to open (`missedBy`):
   * one per tab or hub they are for, dropped when its open is released or superseded.
   */
  readonly #unanswered = new Map<string, () => void>();
  /**
   * The tabs owed the owner's verdicts on this hub's joins (`owe`); none: a verdict is on
   * the stream every tab here heard. Emptied by the tabs that leave and by a resync told
   * every tab (they heard that one), it stays till the hub's stream is its own: the open it
   * mirrors from the owner's answer comes before the verdicts.
   */
  #owing: Map<string, number | undefined> | undefined;
  /** The cursor of the owner's late answer to this hub's join without a cursor (`answeredLate`). */
  #lateAnswer: SessionCursor | undefined;
  /** The last cursor this hub's socket learnt, as `lateFrom` answered it. */
  #learnt: SessionCursor | undefined;
  /**
   * A fresh session this hub's socket superseded, and the cursor it resumed instead (see
   * `supersede`).
   */
  #superseded: { fresh: string; by: SessionCursor } | undefined;

  constructor(
    private readonly name: string,
    private tabs: HeardTabs,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * This hub's tabs left the login for another one of the name (a new url): what the old
   * login still hears (its relay follows the owner until the owner's word closes it) is
   * theirs no more, as the tabs hear the name's events whichever login posts them.
   */
  detach(): void {
    this.tabs = DETACHED;
  }

  /** The builds of the hubs on the connection, as last told. */
  get knownBuilds(): string[] {
    return this.#builds;
  }

  /** The peers this hub serves from now on (its relay as owner), or none. */
  serve(peers: ServedPeers | undefined): void {
    this.#peers = peers;
  }

  /** The socket this hub owns from now on, or none (it relays). */
  own(socket: RewindableSocket | undefined): void {
    this.#socket = socket;
  }

  /**
   * `answer`: what a tab or hub whose stream stands at `cursor` missed, while the connection
   * stands at `current()` (`RecentFrames.missedBy`). A cursor of another session waits for the
   * socket to open: until then the hub may yet go on with the cursor's session (a rejoin's
   * cursor, `WireLink.learn`), and then nothing was missed. A login that ends first answers
   * nothing. `by`: the tab or hub it is for; its next verdict kept replaces this one. One of
   * this session behind pushes kept here no longer, while the socket is not open: the socket
   * this hub owns resumes from it if its resume is not out (`Connection.rewind`), and then
   * nothing was missed (the server replays them, or answers `resync`).
   */
  missedBy(
    by: string,
    cursor: SessionCursor,
    current: () => SessionCursor | undefined,
    answer: (missed: Missed) => void,
  ): void {
    cursor = this.asOwn(cursor);
    const verdict = () => answer(this.#recent.missedBy(cursor, current()));
    const other = current()?.session;
    if (this.#state === 'open' || other === undefined) verdict();
    else if (other !== cursor.session) this.#unanswered.set(by, verdict);
    else {
      if (this.#recent.missedBy(cursor, current()) === 'resync') this.#socket?.rewind(cursor);
      verdict();
    }
  }

  /**
   * `cursor`, or, a fresh one of the session this hub's socket superseded, as one of the
   * session it resumed instead, at the cursor it took (see `supersede`).
   */
  asOwn(cursor: SessionCursor): SessionCursor {
    const superseded = this.#superseded;
    return cursor.fresh && cursor.session === superseded?.fresh
      ? { ...cursor, session: superseded.by.session, seq: superseded.by.seq }
      : cursor;
  }

  /** Whether a tab at `cursor` heard the stream past its last gap (`RecentFrames.heardPastGap`). */
  heardPastGap(cursor: SessionCursor): boolean {
    return this.#recent.heardPastGap(cursor);
  }

  /** What a hub whose tabs opened at `at` without a cursor of the session missed (`RecentFrames.heardSince`). */
  heardSince(at: number, current: SessionCursor | undefined): Missed {
    return this.#recent.heardSince(at, current, this.clock.now());
  }

  /**
   * This hub took the socket on its tabs' cursor `by` over the owner's fresh session
   * (`RelayPeer.declinedFresh`): no resume of that one went out, so nothing is in it, and a
   * tab or hub with a cursor of it missed only what `by`'s session got past `by` (the
   * server replays it), as one of `by` does. Else it would get `resync` for nothing.
   */
  supersede(fresh: string, by: SessionCursor): void {
    this.#superseded = { fresh, by };
  }

  /**
   * The tab opened while this hub relays and joins: the owner's verdict on this hub's join
   * (`resync('owed')`) is its, not that of a tab that joined the stream since. `openedAt`:
   * it came without a cursor, open since then; a `resync` is its only where the owner heard
   * a push it covers since (review 22e).
   */
  owe(tabId: string, openedAt?: number): void {
    this.#owing ??= new Map();
    this.#owing.set(tabId, openedAt);
  }

  /**
   * Where to take up `cursor`'s session from (`OwnedSocket.learn`): from the late answer's
   * cursor of it, if behind (see `answeredLate`), so that the server hands the pushes after
   * it over again, to the tabs that never heard them (those that did drop them).
   */
  lateFrom(cursor: SessionCursor): SessionCursor {
    const answer = this.#lateAnswer;
    const owed = this.#owing?.size;
    const behind = owed && answer?.session === cursor.session && answer.seq < cursor.seq;
    this.#learnt = behind ? { ...cursor, seq: answer.seq } : cursor;
    return this.#learnt;
  }

  /**
   * An owner's answer to a join of this hub without a cursor, heard once this hub owns the
   * socket (the owner died before it came): its tabs are owed a verdict that never comes
   * (review 21c). The pushes past the answer's `cursor` the owner heard after they opened
   * and posted to a hub that no longer follows: should this hub take up that session from a
   * cursor past them (a rejoining hub's), it resumes from the answer's (`lateFrom`); one it
   * took up already, told the tabs, they are told `resync`. Without the answer it cannot
   * tell those pushes from pushes made before the tabs opened: nothing (else a resync for
   * nothing there).
   */
  answeredLate(answer: SessionCursor): void {
    this.#lateAnswer = answer;
    const owing = this.#owing;
    // Taken up from a cursor past it: not the pushes the server has handed over since.
    const { session } = this.#socket?.cursor ?? {};
    const learnt = this.#learnt;
    if (!owing || session !== answer.session || learnt?.session !== session) return;
    if (learnt.seq <= answer.seq) return;
    for (const [tab, openedAt] of owing) {
      if (openedAt !== undefined) this.tabs.postTo(tab, { kind: 'resync', name: this.name });
    }
    this.#owing = undefined;
  }

  /** When this hub last heard the stream go on (`RecentFrames.heardTo`). */
  get heardTo(): number {
    return this.#recent.heardTo;
  }

  /** Drops the verdict kept for `by` (`missedBy`), and what it is owed: the open it was for is gone. */
  forget(by: string): void {
    this.#unanswered.delete(by);
    this.#owing?.delete(by);
  }

  state(status: OwnerStatus, detail: StateDetail): void {
    const { state } = status;
    // The socket went down or to another owner, or the login ended: a verdict after this
    // is on a join with this hub's own cursor.
    const left = this.#state === 'open' && state !== 'open';
    if (left || detail.reason === 'handover' || state === 'closed' || state === 'failed') {
      this.#owing = undefined;
    }
    if (state === 'closed' || state === 'failed') this.#superseded = undefined;
    this.#state = state;
    // Before the tabs hear `open`: a resync goes ahead of the pushes that follow. The
    // owner tells its verdicts for cursors of another session before `open` too.
    if (state === 'open' || state === 'closed' || state === 'failed') {
      if (state === 'open') for (const verdict of this.#unanswered.values()) verdict();
      this.#unanswered.clear();
    }
    this.#post({ kind: 'state', name: this.name, state, detail });
    // Last: the catch-ups kept for the open reach the peers before it.
    this.#peers?.state(status, detail);
  }

  frame(frame: TabFrame, session?: string): void {
    if (session !== undefined) this.#recent.follow(session);
    // Dated where the socket heard it: a hub that read it late off a lagging channel (or in a
    // catch-up) keeps that date, for `heardSince` and its tabs' `since` (`TabRegistry.deliver`),
    // which read it as their clock stands (`before`): after a step back of the wall clock, an
    // open made before it is before every push heard since (review 24h), and a push dated
    // before it is before every open made since (review 24j).
    const now = this.clock.now();
    frame.at ??= now;
    this.#recent.add(frame, frame.at);
    this.tabs.deliver(this.name, frame, now);
    this.#peers?.frame(frame);
  }

  error(error: TabSocketError): void {
    this.#post({ kind: 'error', name: this.name, error: serializeError(error) });
    this.#peers?.error(error);
  }

  /**
   * `owed`: the owner's catch-up of this hub's join, for the tabs it owes it (`owe`).
   * `past`: told to every tab and peer as such; a handle that joined the open socket drops it.
   */
  resync(reach?: ResyncReach, heardTo?: number): void {
    // A verdict on one join is no gap in the stream.
    if (reach !== 'owed') this.#recent.gap(this.clock.now());
    const owing = this.#owing;
    if (reach === 'owed' && owing) {
      for (const [tab, openedAt] of owing) {
        // A tab without a cursor, open since `openedAt`, missed only what was heard since (no
        // `heardTo`, an owner of an earlier build: nothing); one with a cursor (no `openedAt`,
        // which `before` compares false), what the verdict says.
        if (!before(heardTo ?? -1e99, openedAt as number, this.clock.now())) {
          this.tabs.postTo(tab, { kind: 'resync', name: this.name });
        }
      }
    } else this.#post({ kind: 'resync', name: this.name, past: reach === 'past' || undefined });
    // Told once: the owner answers every join this hub posted, each with the verdict. A
    // resync to every tab reached those owed one too (opened already: `owe` comes after),
    // and what they were owed is in it.
    owing?.clear();
    this.#peers?.resync(reach);
  }

  cursor(cursor: SessionCursor, past?: true): void {
    this.#recent.follow(cursor.session);
    // Past the gap of an owner's `resync` verdict on this hub's join, which marked none (a
    // tab at a kept push before it missed it: review 22e).
    if (past) this.#recent.gap(this.clock.now());
    this.#post({ kind: 'cursor', name: this.name, cursor });
    this.#peers?.cursor(cursor);
  }

  builds(builds: string[]): void {
    if (builds.join('\n') === this.#builds.join('\n')) return;
    this.#builds = builds;
    this.#post({ kind: 'builds', name: this.name, builds });
  }

  #post(event: TabEvent): void {
    this.tabs.post(this.name, event);
  }
}
