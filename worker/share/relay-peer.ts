import type { SerializedError } from '../../protocol/errors';
import {
  ConnectionClosedError,
  ConnectionFailedError,
  deserializeError,
  type TabSocketError,
} from '../../protocol/errors';
import {
  type OwnerMessage,
  type OwnerStatus,
  type PeerMessage,
  RELAY_VERSION,
  type RelayBody,
} from '../../protocol/relay';
import type { StateDetail, TransitionReason } from '../../protocol/state';
import type {
  OpenIntent,
  SessionCursor,
  SocketData,
  TabEvent,
  WireId,
} from '../../protocol/tab-hub';
import { isWrittenBefore } from '../../protocol/wire-checks';
import type { RelayChannel } from '../platform';
import type { ConnectionEvents } from '../socket/connection-events';
import type { Numbering } from '../socket/send-queue';
import { unconfirmed } from '../socket/wire-link';
import { before, missesOther } from './recent-frames';
import { wireOf } from './tab-send';

/** A send handed to the owner and not settled yet. */
export interface RelayedSend {
  data: SocketData;
  /**
   * The message id an owner wrote it under, once one did, with its session (or its tab's
   * last hub: a re-post), and where it was written before (`WireId.before`).
   */
  wire?: WireId | undefined;
  /** The tab and its number for the send (`Numbering.origin`), told the owner. */
  origin?: string | undefined;
  /** Posted to an owner, which may write it before it hears that this hub's login ended. */
  posted?: true;
  /** Who hears how it is written (this hub's tab, which keeps it for this hub's death). */
  tell: Omit<Numbering, 'id'>;
  resolve(): void;
  reject(error: TabSocketError): void;
}

/**
 * The owner this hub follows. `joining` until the owner answers this hub's join: the
 * pushes it relays meanwhile are in the catch-up that comes after the answer (for a hub
 * that joins without a cursor, those it heard since the join's `since`; for one with a
 * cursor of another session, the verdict's `resync`), so they are not taken: one taken
 * then would make that catch-up look seen.
 */
interface OwnerLink {
  id: string;
  phase: 'joining' | 'following';
}

type Announcement = Extract<OwnerMessage, { kind: 'owner' }>;

/**
 * A hub's side of a connection whose socket another hub owns: it mirrors the owner's state
 * and events to this hub's tabs, and hands its sends to the owner. It keeps each send until
 * the owner settles it, with the message id it was written under, so that when the owner
 * goes, the next owner sends it again under the same id (the server passes it on once).
 * Only the current owner is heard: a message of an owner that left is ignored.
 */
export class RelayPeer {
  #owner: OwnerLink | undefined;
  #status: OwnerStatus = { state: 'idle', generation: 0, failedAttempts: 0 };
  /** What this hub knows of the session: the owner's cursor and the pushes since. */
  #cursor: SessionCursor | undefined;
  /** Whether `#cursor` is of a session an owner told this login, or its tabs' alone. */
  #cursorFrom: 'tabs' | 'owner' = 'tabs';
  /** The owner's fresh session this hub kept its tabs' cursor over (see `#merged`). */
  #declined: string | undefined;
  readonly #sends = new Map<number, RelayedSend>();
  #nextSend = 1;
  /**
   * The sends of a tab whose `numbered` this hub read (the tab was told the id) since it
   * last posted a send: told the owner with the next, so it forgets their origins.
   */
  #heard: number[] = [];
  /** The `ask` of this hub's last join: only the answer to it starts this hub's stream. */
  #asks = 0;
  /**
   * Whether the owner's last answer to this hub was to an earlier join than its last: the
   * catch-up that follows it is that join's, and the last join gets its own.
   */
  #answering: 'last-join' | 'earlier-join' = 'last-join';
  /**
   * Whether the owner answered this hub's last join: all it posted before it read the join
   * came before (a logout's word too).
   */
  answered = false;
  /** Whether the owner told this hub a state since its last join (see `known`). */
  #toldState = false;
  /**
   * Whether a join of this hub's for a tab's new login (`sync`) waits for its answer: a state
   * the owner posted before it read that join, late on a lagging channel, is of a login the
   * tab's app may have seen end, and tells nothing (review 22f).
   */
  #syncing = false;
  /**
   * Whether this hub told its tabs a `resync` of its owner's while it joined, and held back
   * no push since (one held back is in the verdict on the join, and theirs). Both last till
   * the hub passes the owner's next push as its own: a join again while it joins (a tab's,
   * review 21f) keeps them.
   */
  #toldResync = false;
  /** Whether it held back a push after such a resync: see `#event`. */
  #heldBack = false;
  /**
   * The owner's cursor of a newer session (a higher `epoch`), taken with its next word: a
   * server's `resync` onto a new id comes as that cursor, then the resync, two messages
   * (`WireLink.#resynced`); a hub that died between them left its tabs on the new session
   * without the resync, and their rejoin missed nothing of it (review 22f). Taken at once,
   * a new owner that follows would find this hub's stream on it.
   */
  #moved: SessionCursor | undefined;
  /**
   * The cursor this hub's tabs were told last, while the owner's session, taken from its
   * answer, waits to be told them with its `resync` verdict (see `#follow`): what this hub
   * joins with again, and, should the owner go first, what it is owed on.
   */
  #untold: SessionCursor | undefined;
  #topics: string[] = [];

  constructor(
    private readonly channel: RelayChannel,
    private readonly hubId: string,
    private readonly build: string,
    private readonly url: string,
    private readonly events: ConnectionEvents,
    resumeFrom: SessionCursor | undefined,
    /** `rejoin`: this hub's tabs continue a login (their worker died), which may have ended. */
    readonly intent: OpenIntent = 'login',
    /** The sessions this hub's logouts ended, told with each join (see `PeerMessage`). */
    private readonly ended: readonly string[] = [],
    /** This hub's login number, told with every message (see `PeerMessage`). */
    readonly login?: number,
    /**
     * When this hub's tabs opened, or it began the login (its `Clock`, one for the whole
     * browser): the pushes its owner heard since are theirs (`PeerMessage` join's).
     */
    private since?: number,
  ) {
    this.#cursor = resumeFrom;
    this.join();
  }

  /**
   * A tab without a cursor opened at `at` (`HubApi.open`'s `since`; `now`: this hub's clock):
   * while the hub still joins without a cursor, the pushes its owner heard since then are the
   * tab's too, also those heard before this hub began (a fresh worker after a death: review
   * 21c). The next join says so.
   */
  openedSince(at: number, now: number): void {
    // The earlier as read at the later of `now` and this open: one past both came before a
    // step back (review 25g), and this open, read just before a step, is no older (review 25s).
    const readAt = Math.max(now, at);
    if (!this.following && !this.#cursor && before(at, this.since ?? at, readAt)) this.since = at;
  }

  /** The owner's state as last heard, for this hub's tabs. */
  get status(): OwnerStatus {
    return this.#status;
  }

  get queued(): number {
    return this.#sends.size;
  }

  get cursor(): SessionCursor | undefined {
    return this.#cursor;
  }

  /** The cursor its tabs were told: while a `resync` verdict waits, the one before it. */
  get told(): SessionCursor | undefined {
    return this.#untold ?? this.#cursor;
  }

  /**
   * The owner's session this hub did not take, as no resume of it went out: its peers hold
   * cursors of it, with nothing in it, should this hub take the socket on its tabs' cursor.
   */
  get declinedFresh(): string | undefined {
    return this.#declined;
  }

  /** The cursor, when it is of a session no owner told this login: its tabs brought it. */
  get tabsCursor(): SessionCursor | undefined {
    return this.#cursorFrom === 'tabs' ? this.#cursor : undefined;
  }

  /** Whether the owner answered one of this hub's joins, and it takes the owner's pushes as its own. */
  get following(): boolean {
    return this.#owner?.phase === 'following';
  }

  /** The hub whose announcement this hub heard last, until it said it is leaving. */
  get owner(): string | undefined {
    return this.#owner?.id;
  }

  /**
   * A cursor one of this hub's tabs holds (see `WireLink.learn`): of the session, its ids
   * are taken, and whether a server numbered it; until an owner answered, a newer session's
   * (higher `epoch`) is the one this hub resumes should it own the socket. An owner's
   * session prevails once it answered.
   */
  learn(cursor: SessionCursor): void {
    const known = this.#cursor;
    if (known?.session === cursor.session) {
      // The owner's fresh session, numbered elsewhere (a page of an earlier owner's, reloaded
      // onto this hub): the owner hears it with a join again, or its resume would not say
      // `held` and a renewed login's server start it anew, its pushes dropped here as seen
      // (review 20g). This hub's join, as the tab opened, went before its cursor was known.
      const numbered = cursor.numbered && !known.numbered;
      if (numbered) this.#cursor = { ...known, numbered: true };
      this.#takeIds(cursor.nextId);
      if (numbered) this.join();
      return;
    }
    if (this.following) return;
    if (!known || (cursor.epoch ?? 0) > (known.epoch ?? 0)) {
      this.#cursor = cursor;
      this.#cursorFrom = 'tabs';
    }
  }

  /**
   * `numbering.id`: the id an earlier hub wrote it under (of `numbering.session`); `was`,
   * `also`: where it was written before, told the owner as its tab told them (review 18d).
   */
  send(
    data: SocketData,
    { id, session, origin, was, also, ...tell }: Numbering = {},
  ): Promise<void> {
    const named = was ? [was, ...(also ?? [])] : [];
    const last = id !== undefined && session !== undefined ? { session, id } : named.pop();
    const wire = last && wireOf(last.session, last.id, named.length > 0 ? named : undefined);
    const sendId = this.#nextSend++;
    return new Promise((resolve, reject) => {
      const send: RelayedSend = { data, tell, resolve, reject, wire, origin };
      this.#sends.set(sendId, send);
      const to = this.#owner?.id;
      if (to) this.#postSend(to, sendId, send);
    });
  }

  /**
   * A tab came to this hub with `cursor`. While the hub still joins, the owner's catch-up
   * is all it will have of the pushes before its stream starts: when the tab's cursor is
   * further back in the session (or the hub had none), the hub joins again from there,
   * and follows from the answer to that join. (A hub that follows already catches the tab
   * up itself.)
   */
  resumeFrom(cursor: SessionCursor): void {
    const known = this.#cursor;
    if (this.following) return;
    if (known && (known.session !== cursor.session || known.seq <= cursor.seq)) return;
    this.#cursor = { ...cursor, nextId: Math.max(cursor.nextId, known?.nextId ?? 0) };
    // Tabs that opened without a cursor count from this one.
    if (!known) this.events.cursor(this.#cursor);
    this.join();
  }

  setTopics(topics: readonly string[]): void {
    this.#topics = [...topics];
    if (this.#owner) this.#post({ kind: 'topics', topics: this.#topics });
  }

  close(code: number, closeReason: string, reason: 'logout' | 'replaced'): void {
    this.#post({ kind: 'close', code, closeReason, reason });
  }

  /** This hub has no tab on the connection any more. */
  leave(): void {
    this.#post({ kind: 'leave' });
  }

  /** The sends not settled, oldest first, for this hub to write itself as the new owner. */
  takeSends(): RelayedSend[] {
    const sends = [...this.#sends.values()];
    this.#sends.clear();
    return sends;
  }

  /**
   * Rejects every send not settled; with `written` those an owner wrote numbered, with
   * `posted` those posted to an owner that did not answer yet.
   */
  rejectAll(error: TabSocketError, written = error, posted = error): void {
    for (const send of this.takeSends()) {
      send.reject(send.wire ? written : send.posted ? posted : error);
    }
  }

  /**
   * The login closed before the sends settled: one an owner wrote numbered may be with the
   * server (its owner stops telling settlements once closed). Closed on the owner's word,
   * one it did not number it never wrote (it numbers a send as it writes it, before it
   * closes); closed `here`, on this hub's own word, the owner may still write one posted to
   * it before it hears of the close (a logout in the send's task): unconfirmed too.
   */
  rejectClosed(reason: TransitionReason, by: 'owner' | 'here'): void {
    const closed = new ConnectionClosedError(`tabsocket: the connection was closed (${reason})`);
    const written = unconfirmed(reason);
    this.rejectAll(closed, written, by === 'owner' ? closed : written);
  }

  /**
   * Whether this hub knows the login's state: the owner told one, or answered its last join;
   * after a `sync`, only that answer (or an owner's leaving, or another's takeover) tells it.
   */
  get known(): boolean {
    return this.answered || (this.#toldState && !this.#syncing);
  }

  /** Joins again for a tab's new login: see `#syncing`. */
  sync(): void {
    this.#syncing = true;
    this.join();
  }

  receive(message: OwnerMessage): void {
    const moved = this.#moved;
    if (moved && message.from === this.#owner?.id) {
      // A fresh session the owner left this hub's for, with a resync every tab hears
      // (`WireLink.#resumeRefused`): the session left is not this hub's to resume, should the
      // owner go before its first push (review 23d: a renewed login's server has its id).
      const left = message.kind === 'event' && message.event.kind === 'resync' && !message.to;
      this.#moved = undefined;
      this.#takeCursor(moved, left || undefined);
    }
    if (message.kind === 'owner') {
      this.#adopt(message);
      return;
    }
    if (message.from !== this.#owner?.id) return;
    // An answer about a send of this hub's earlier login, whose send ids were the same.
    const { login } = this;
    const answer =
      (message.kind === 'numbered' || message.kind === 'settled') && message.to === this.hubId;
    if (answer && message.login !== undefined && login !== undefined && message.login !== login) {
      // Its id is used in the session all the same (review 13).
      if (message.kind === 'numbered') this.#takeIds(message.wire + 1, message.session);
      return;
    }
    switch (message.kind) {
      case 'state':
        this.#mirror(message.status, message.detail, message.session);
        return;
      case 'event':
        if (message.spares?.includes(this.hubId)) return;
        // A catch-up of an earlier join: the last one's follows, from its own cursor (one
        // `resync` each would reach the tabs twice: review 8's lagging reload).
        if (message.to === this.hubId && this.#answering === 'earlier-join') return;
        // Only a catch-up names this hub (`RelayOwner.#catchUp`).
        if (message.to === undefined || message.to === this.hubId) {
          this.#event(message.event, message.to ? true : undefined, message.heardTo);
        }
        return;
      case 'numbered': {
        const send = message.to === this.hubId ? this.#sends.get(message.id) : undefined;
        if (send) {
          // An owner of an earlier release tells a new session before it numbers in it.
          const session = message.session ?? this.#cursor?.session;
          // An owner's word, checked: a bad one is not put on the wire (`WireId.before`).
          const before = isWrittenBefore(message.before) ? message.before : undefined;
          if (session !== undefined) send.wire = wireOf(session, message.wire, before);
          // The owner's session, which this hub's cursor may not be on yet (review 18g).
          send.tell.onNumbered?.(message.wire, before, session);
          if (send.origin !== undefined) this.#heard.push(message.id);
          // Held now, for a takeover: the owner writes it on this answer.
          if (message.awaits && session !== undefined) {
            const { id, wire } = message;
            this.#post({ kind: 'holds', to: message.from, id, wire, session });
          }
        }
        this.#takeIds(message.wire + 1, message.session);
        return;
      }
      case 'settled':
        if (message.to === this.hubId) this.#settle(message.id, message.error);
        return;
      case 'leaving':
        this.#owner = undefined;
        // No answer follows: the next owner's (or the lock) tells the state.
        this.#syncing = false;
        this.#mirror(
          { ...this.#status, state: 'connecting' },
          { from: this.#status.state, reason: 'handover' },
        );
        return;
    }
  }

  /**
   * An owner announced itself: a new one gets this hub's topics and unsettled sends, and
   * this hub's stream follows it from its answer to this hub's join.
   */
  #adopt(message: Announcement): void {
    // An owner that takes the lock says so (`joined: ''`): the one this hub heard may take it
    // again for its next login without letting go (`SharedConnection.start`), on a channel
    // that never heard this hub's join to its last login.
    const isNew = message.from !== this.#owner?.id || message.joined === '';
    const hadOwner = this.#owner !== undefined || this.#status.state !== 'idle';
    // An owner of an earlier build names no hub (nor join): it is followed from its first word.
    const answersThisHub =
      (message.joined === this.hubId &&
        (message.asked === undefined || message.asked === this.#asks)) ||
      message.joined === undefined;
    if (message.joined === this.hubId) {
      // Another hub's answer to an earlier join of this hub's, as it follows an owner: a hub
      // reads another's joins in order, so one that holds the lock answers the last join
      // too, and is taken then. One that holds it no more posted this before the owner this
      // hub follows took over, late behind that one's words on lagging channels (one hub's
      // messages keep their order, two hubs' do not): taken, this hub followed a dead owner,
      // waiting for an answer that never came, and dropped the live one's (review 21g).
      if (isNew && this.#owner && !answersThisHub) return;
      this.#answering = answersThisHub ? 'last-join' : 'earlier-join';
    }
    if (isNew) {
      const to = message.from;
      this.#owner = { id: to, phase: 'joining' };
      // The last owner's word after it never came: this hub's tabs are told where its stream
      // stands, and the new owner's verdict on the join covers the move.
      this.#moved = undefined;
      // Another owner's verdict is on what that one heard, which no resync told covered.
      this.#toldResync = false;
      // Joining tells where this hub's stream stands, for the pushes it missed; a join
      // posted before this owner held the lock went to no one.
      if (message.joined !== this.hubId) this.join();
      for (const [id, send] of this.#sends) this.#postSend(to, id, send);
    }
    const owner = this.#owner;
    this.answered ||= answersThisHub;
    if (isNew || answersThisHub) this.#syncing = false;
    if (answersThisHub && owner?.phase === 'joining') this.#follow(owner, message);
    this.#mirror(
      message.status,
      { from: this.#status.state, reason: isNew && hadOwner ? 'handover' : 'attached' },
      message.cursor.session,
    );
  }

  /**
   * The owner answered this hub's join: what it relays from now on is this hub's stream.
   * Within the session the cursor stays this hub's own (the catch-up that follows moves
   * it); a session this hub did not know (a new one, or none known yet) is taken, and told,
   * so that its tabs do not take its pushes for those of the old one.
   */
  #follow(owner: OwnerLink, answer: Announcement): void {
    owner.phase = 'following';
    // A logged-out owner keeps the lock only so that no hub reopens that login: its session
    // is over, and a hub that takes the lock for a new login must not resume it.
    if (answer.status.state === 'closed') return;
    // The join this answers went with the cursor the tabs were told (see `join`).
    if (this.#untold) this.#cursor = this.#untold;
    const known = this.#cursor;
    const taken = this.#merged(answer.cursor, answer.afterLogout);
    this.#cursor = taken;
    this.#untold = undefined;
    if (taken.session === known?.session) return;
    // When the owner's verdict on the join is a `resync` (its answer says so), the session
    // is told with it, in one task. Told now, a page reloaded before the verdict reached
    // this hub came back on the new session and was owed nothing (review 23c). An owner of
    // an earlier build does not say: the rule it judges by tells (review 24f).
    if (answer.resyncs ?? (known && missesOther(known, taken))) this.#untold = known;
    else this.events.cursor(taken);
  }

  /**
   * This hub takes the socket before its owner's `resync` verdict came (the owner died): its
   * tabs are told the session it takes up, and the resync, now (review 23l).
   */
  tellUntold(): void {
    if (!this.#untold || !this.#cursor) return;
    this.#takeCursor(this.#cursor);
    this.events.resync();
  }

  /**
   * The owner's cursor as this hub's: its pushes count only once this hub passed them.
   * `over`: the owner's session replaces any other this hub's tabs brought: its login began
   * after a logout (`OwnerMessage` owner's `afterLogout`), or it left theirs with a resync.
   */
  #merged(owners: SessionCursor, over?: unknown): SessionCursor {
    const known = this.#cursor;
    if (known?.session !== owners.session) {
      // No resume of a fresh session went out: nothing is in it yet. A cursor of another
      // session this hub's tabs brought stays the one to resume, should the owner go before
      // it writes one; its verdict on them would go with it (seed 4601). Not over a login
      // that began after a logout: that cursor is of the login that ended (review 14); nor
      // over a session the owner left for this one, with a resync (review 23d).
      if (owners.fresh && known && !known.fresh && !over) {
        this.#declined = owners.session;
        return known;
      }
      this.#cursorFrom = 'owner';
      this.#declined = undefined;
      return owners;
    }
    this.#cursorFrom = 'owner';
    this.#declined = undefined;
    const merged = { ...known, nextId: Math.max(known.nextId, owners.nextId) };
    // The owner wrote a resume of it: should this hub take the socket, it says `held`.
    if (!owners.fresh) delete merged.fresh;
    if (owners.numbered) merged.numbered = true;
    return merged;
  }

  /**
   * Shows the owner's state to this hub's tabs; `from` is what they saw last. `session`:
   * the owner's. Its socket open, it writes a resume of it as the server says hello, and
   * tells its cursor after: a lagging channel may bring the owner lock here first (the
   * owner dead), and this hub's fresh cursor of it, resumed as new, would have a renewed
   * login's server start it anew under its id, the pushes of a page that heard it numbered
   * dropped as seen (review 20g). It is held from now on: at worst the server, which never
   * had it, answers `resync`.
   */
  #mirror(status: OwnerStatus, detail: StateDetail, session?: string): void {
    const cursor = this.#cursor;
    if (status.state === 'open' && cursor?.fresh && cursor.session === session) {
      const { fresh, ...held } = cursor;
      this.#cursor = held;
    }
    const from = this.#status.state;
    this.#status = status;
    if (status.state !== from || detail.reason !== 'attached') {
      // The owner closed it for every hub: the sends not settled end with it.
      if (status.state === 'closed') this.rejectClosed(detail.reason, 'owner');
      else if (status.state === 'failed') {
        this.rejectAll(
          new ConnectionFailedError('tabsocket: the connection failed and will not reconnect'),
        );
      }
      this.#toldState = true;
      this.events.state(status, { ...detail, from });
    }
  }

  /** The owner's cursor; `over`: it replaces any other session's this hub's tabs brought (see `#merged`). */
  #takeCursor(cursor: SessionCursor, over?: true): void {
    this.#moved = undefined;
    this.#untold = undefined;
    const merged = this.#merged(cursor, over);
    // Past a resync within the session the owner's tabs go on from its cursor
    // (`WireLink.#resynced`), and so do this hub's: following, it had every push the owner
    // posted before (review 21e: else a page of theirs that came back was told the resync
    // again).
    const past = this.following && merged.session === cursor.session && cursor.seq > merged.seq;
    this.#cursor = past ? { ...merged, seq: cursor.seq } : merged;
    this.events.cursor(this.#cursor, past || undefined);
  }

  #event(event: TabEvent, owed?: true, heardTo?: number): void {
    switch (event.kind) {
      case 'frames': {
        const { following } = this;
        for (const frame of event.frames) {
          const cursor = this.#cursor;
          if (frame.seq !== undefined) {
            // A push relayed before the owner answered this hub's join is in the catch-up
            // after the answer. (A plain server numbers nothing: no catch-up, no wait.)
            if (!following) {
              // Held back after a resync every tab heard: the verdict is theirs again.
              this.#heldBack ||= this.#toldResync;
              this.#toldResync = false;
              continue;
            }
            this.#toldResync = false;
            this.#heldBack = false;
            if (cursor) {
              // A push this hub had (a catch-up overlapping the stream) is not passed twice.
              if (frame.seq <= cursor.seq) continue;
              this.#cursor = { ...cursor, seq: frame.seq };
            }
          }
          this.events.frame(frame, this.#cursor?.session);
        }
        return;
      }
      case 'cursor':
        // Of a newer session: taken with the owner's next word (see `#moved`).
        if ((event.cursor.epoch ?? 0) > (this.#cursor?.epoch ?? 0)) this.#moved = event.cursor;
        else this.#takeCursor(event.cursor);
        return;
      case 'error':
        this.events.error(deserializeError(event.error));
        return;
      case 'resync':
        if (owed && this.#untold && this.#cursor) this.#takeCursor(this.#cursor);
        // The verdict on a join is in a resync its tabs heard since: told once, not twice
        // (a tab that opened without a cursor owes none of its own: `HeardStream.owe`).
        // One after a push held back since a resync all tabs heard is every tab's (review
        // 21e). Either way the verdict of the last join ends what they were for (review 21g).
        if (!(owed && this.#toldResync)) {
          if (owed && !this.#heldBack) this.events.resync('owed', heardTo);
          else this.events.resync(event.past && 'past');
        }
        this.#toldResync = !owed;
        if (owed) this.#heldBack = false;
        return;
      case 'builds':
        this.events.builds(event.builds);
        return;
      case 'state':
        return;
    }
  }

  /** Joins (again): the owner answers, and hands over what this hub missed since its cursor. */
  join(): void {
    const cursor = this.told;
    this.answered = false;
    this.#toldState = false;
    this.#post({
      kind: 'join',
      build: this.build,
      url: this.url,
      topics: this.#topics,
      cursor,
      ask: ++this.#asks,
      intent: this.intent,
      ended: [...this.ended],
      ...(cursor === undefined && this.since !== undefined ? { since: this.since } : {}),
    });
  }

  #settle(id: number, error: SerializedError | undefined): void {
    const send = this.#sends.get(id);
    if (!send) return;
    this.#sends.delete(id);
    if (error) send.reject(deserializeError(error));
    else send.resolve();
  }

  /** Ids up to `nextId` are used in `session` (the cursor's, when unnamed): none of another's. */
  #takeIds(nextId: number, session = this.#cursor?.session): void {
    // A re-post told under the session it was written in before (review 18h).
    if (this.#cursor && session === this.#cursor.session && nextId > this.#cursor.nextId) {
      this.#cursor = { ...this.#cursor, nextId };
    }
  }

  #postSend(to: string, id: number, send: RelayedSend): void {
    const { data, wire, origin } = send;
    const heard = this.#heard;
    this.#heard = [];
    send.posted = true;
    this.#post({
      kind: 'send',
      to,
      id,
      data,
      wire: wire?.id,
      session: wire?.session,
      origin,
      before: wire?.before,
      ...(heard.length > 0 ? { heard } : {}),
      confirms: true,
    });
  }

  #post(body: RelayBody<PeerMessage>): void {
    const { login } = this;
    this.channel.postMessage({
      v: RELAY_VERSION,
      from: this.hubId,
      ...(login === undefined ? {} : { login }),
      ...body,
    } as PeerMessage);
  }
}
