import { type Clock, Timer } from '../../protocol/clock';
import type { ResolvedConnectionOptions } from '../../protocol/connection-options';
import type { TabSocketError } from '../../protocol/errors';
import {
  ConnectionClosedError,
  MalformedFrameError,
  RefusedError,
  TooLargeError,
  UnconfirmedSendError,
} from '../../protocol/errors';
import { parseJson } from '../../protocol/heartbeat-frame';
import type { TransitionReason } from '../../protocol/state';
import type { SessionCursor, SocketData } from '../../protocol/tab-hub';
import type { EndFrame, PushFrame, SubscribeFrame } from '../../protocol/wire';
import type { ConnectionEvents, ResyncReach } from './connection-events';
import {
  decodeText,
  decodeValue,
  readServerFrame,
  type ServerFrameVerdict,
  type WirePhase,
} from './inbound-frame';
import { type Numbering, SendQueue, writtenUnder } from './send-queue';
import { fitsPayload, type Limits, limitsFromHello, topicsWithin } from './wire-limits';
import { type SessionStanding, WireSession } from './wire-session';

/**
 * How long a socket listens for `hello` before it takes the server for a plain one: every
 * socket of a login, until the server said hello once (then as long as a handshake may take).
 */
export const HELLO_WINDOW = 300;

/**
 * Message ids the cursor reserves ahead: the tabs hear of a new cursor once per this many
 * sends, not once per send, and a hub that takes the session over from a cursor starts at
 * its `nextId`, above every id written before.
 */
export const ID_RESERVE = 64;

/** What the link needs of the connection that owns the socket. */
export interface LinkHost {
  /** Writes to the current socket. */
  write(data: SocketData): void;
  /** Negotiation is over and the link carries traffic: the heartbeat may start. */
  ready(): void;
  /** The socket cannot serve this login: give it up as a failed attempt. */
  fail(reason: TransitionReason): void;
  /** Whether a frame is the answer to our heartbeat ping. */
  isPong(text: string, parsed: unknown): boolean;
}

/** How many sessions a logout ended a link remembers (`leave`), as a hub names them (`ENDED_KEPT_MAX`). */
const LOGGED_OUT_KEPT = 16;

/** `down` while no socket is open; then the phase of the open one (see `WirePhase`). */
type LinkPhase = 'down' | WirePhase;

/**
 * Whether the open socket carried a frame either way. The server waits for a `resume` until
 * our first frame, so a hello on an untouched socket may still start the session there.
 */
type SocketUse = 'untouched' | 'used';

/**
 * The login's side of the wire, across its sockets: negotiation with each new socket
 * (hello or plain), the session it resumes, the messages waiting or unacknowledged, and
 * the topics the server was told. The `Connection` owns the sockets and their lifecycle;
 * this owns what the bytes on them mean.
 */
export class WireLink {
  #phase: LinkPhase = 'down';
  #socketUse: SocketUse = 'untouched';
  /**
   * What this login learnt of the server: later sockets listen for hello accordingly. `plain`
   * (no hello within HELLO_WINDOW on the last socket) is not for good: a hello may only have
   * been late (an event loop busy for longer than the window), so the next socket listens
   * again, as a first one does, and the login gets its session there.
   */
  #serverKind: 'unknown' | 'plain' | 'tabsocket' = 'unknown';
  /** The current socket's hello nonce: answers to our resume must carry it. */
  #nonce = '';
  /**
   * Whether a frame came while our resume was in flight: the server may have remembered
   * more of them than it could hand over (past its replay limits).
   */
  #resumeHeard: 'nothing' | 'frames' = 'nothing';
  #session = new WireSession();
  /**
   * The last session other than this one a joining hub said was numbered (`numberedElsewhere`):
   * taken up from a cursor that says it fresh (a rejoin's, `learn`), its resume says `held`,
   * or a renewed login's server starts it anew and that hub's tabs drop its pushes as seen.
   */
  #numberedOther = '';
  /** The sessions other hubs' logouts ended (`leave`), the latest `LOGGED_OUT_KEPT`. */
  #loggedOut: string[] = [];
  readonly #queue: SendQueue;
  /** Ids below this may be taken: the cursor's `nextId`. */
  #reservedId = 1;
  /** The cursor's `epoch`: how many times the stream went on under a new session id. */
  #epoch = 0;
  #topics: string[] = [];
  /** What the server takes: the `limits` option, overridden by what its hello said. */
  #limits: Limits;
  /** Bytes of a message the server closed a socket for (1009) in this login: what it takes is less. */
  #closedFor = Number.POSITIVE_INFINITY;
  /** The topics the server has for the session; undefined when not known. */
  #topicsSent: string | undefined = '[]';
  /** After a logout's `end`: whether its socket waits for the server's close (see `end`). */
  #endAnswer: 'none' | 'awaited' = 'none';
  /** Waits for `hello` (HELLO_WINDOW), then for the session to be attached (connectTimeout). */
  readonly #negotiationTimer: Timer;

  constructor(
    private readonly options: ResolvedConnectionOptions,
    clock: Clock,
    private readonly host: LinkHost,
    private readonly events: ConnectionEvents,
  ) {
    this.#negotiationTimer = new Timer(clock);
    this.#limits = options.limits;
    // A tab confirmed a message's id: it goes now, if the session is still attached.
    this.#queue = new SendQueue(options.limits.maxPayload, () => {
      if (this.#phase === 'tabsocket') this.#flush();
    });
  }

  get limits(): Limits {
    return this.#limits;
  }

  /** Messages waiting to be written, or written and not yet acknowledged. */
  get queued(): number {
    return this.#queue.size;
  }

  get cursor(): SessionCursor {
    const cursor: SessionCursor = {
      session: this.#session.id,
      seq: this.#session.lastSeq,
      nextId: this.#reservedId,
    };
    if (this.#epoch > 0) cursor.epoch = this.#epoch;
    const { standing, held } = this.#session;
    if (standing === 'new') cursor.fresh = true;
    // Fresh, and numbered elsewhere (`numberedElsewhere`): a hub that takes the session from
    // this cursor resumes it `held` too (`#takeSession`), while a peer whose tabs hold another
    // session's cursor still keeps that one over it (`RelayPeer.#merged`, review 20g).
    if (standing === 'new' ? held : this.#serverKind === 'tabsocket') cursor.numbered = true;
    return cursor;
  }

  /**
   * A new login: nothing of the last one's stream carries over, and its messages were all
   * settled when it ended (closed or failed), so numbering starts again from 1. With
   * `resumeFrom`, the login goes on where another hub left that session.
   */
  restart(resumeFrom?: SessionCursor): void {
    this.#serverKind = 'unknown';
    this.#closedFor = Number.POSITIVE_INFINITY;
    this.#setLimits(this.options.limits);
    this.#takeSession(resumeFrom);
  }

  /**
   * A cursor a tab or a joining hub holds: of this session, its ids up to `cursor.nextId`
   * may have been used, and new ones go above them. Of a newer session (a higher `epoch`:
   * the server lost this one, and another tab knows the one that went on), it is resumed
   * instead, as long as no `resume` went out yet; so is one of the same epoch a `rejoin`
   * brings (tabs whose worker died, in the login running now) when no server answered this
   * session and no other hub offered it (its tab came without a cursor as another build's
   * worker died): the login's sends the dead worker wrote under that session's ids would
   * otherwise go again under this one's. (A new login's cursor may be a reloaded page's of
   * a login that ended in the same instant: never resumed.) A cursor of this session that
   * is numbered says only that, whoever brings it (`numberedElsewhere`).
   */
  learn(cursor: SessionCursor, rejoin = false): void {
    if (cursor.session !== this.#session.id) {
      const unsent = this.#resumeUnsent;
      const epoch = cursor.epoch ?? 0;
      const ours = this.#session.standing !== 'attached';
      const live = epoch > this.#epoch || (rejoin && ours && epoch === this.#epoch);
      if (unsent && live) this.#takeSession(cursor);
      return;
    }
    this.numberedElsewhere(cursor);
    this.#skipIdsBelow(cursor.nextId);
  }

  /**
   * A hub or tab came with `cursor` (`RelayOwner`'s join, `learn`): of this session and
   * numbered (not fresh, or fresh and numbered elsewhere), a server may have it (a renewed
   * login's would start it anew under its id, and that hub take its pushes for seen), so its
   * resume says `held`. Not its ids, which the resume's answer bounds (`lastId`); and this
   * hub's cursor stays `fresh` until this hub writes a resume, so that a peer whose tabs
   * hold another session's cursor keeps it over this one, should this hub die before its
   * socket opens (`RelayPeer.#merged`, review 20d; a rejoin's cursor too, review 20g). The
   * cursor says `numbered` from now on, told at once: a hub that takes the session from it
   * (a peer that joined before) resumes it `held` too (`#takeSession`). Of another session,
   * it is remembered, should this hub take that one up (see `#numberedOther`).
   */
  numberedElsewhere(cursor: SessionCursor): void {
    const session = this.#session;
    if (cursor.fresh && !cursor.numbered) return;
    if (cursor.session !== session.id) this.#numberedOther = cursor.session;
    else if (!session.held) {
      session.numberedElsewhere();
      this.events.cursor(this.cursor);
    } else if (cursor.seq > session.lastSeq) {
      session.named = Math.max(session.named, cursor.seq);
      this.#ambiguous();
    }
  }

  /**
   * A resume of this session went out unheld, and a cursor of it numbered elsewhere named a
   * push past the server's last as it answered (`WireSession.unheld`): the server's session
   * under this id is another one (a renewed login's server started it anew), whose pushes
   * the tabs at that cursor would drop as seen. The login goes on under a session of its
   * own, as on a refused resume, and every tab resyncs (review 22c).
   */
  #ambiguous(): boolean {
    const { ambiguous, id } = this.#session;
    if (ambiguous) this.#resumeRefused(id);
    return ambiguous;
  }

  /**
   * A tab or hub behind this session's last push, which this hub keeps no longer (a fresh
   * worker took the session from another tab's cursor, further on): while no resume went
   * out on this socket, the next asks the server for the pushes after the cursor's, and the
   * tabs drop those they had; a server that no longer keeps them answers `resync`. Once one
   * went out, the server goes on from there.
   */
  rewind(cursor: SessionCursor): void {
    if (cursor.session === this.#session.id && this.#resumeUnsent) this.#session.rewind(cursor.seq);
  }

  /** No resume went out on this socket (or there is none): the next one may take another session or cursor. */
  get #resumeUnsent(): boolean {
    return this.#phase === 'down' || this.#phase === 'negotiating';
  }

  /**
   * Other hubs' logouts ended `sessions` (their joins say so): a login still on one of them
   * goes on under a session of its own, as long as no `resume` went out (a cursor of the
   * ended login reached this hub, and the server, which never heard that logout, would
   * resume it). Once one went out, on any socket of this login, the server may have
   * attached it and passed on sends under its ids: left as it is
   * (docs/delivery-limitations.md).
   */
  leave(sessions: readonly string[]): void {
    // A message written (or perhaps written) under one of them is of the login that ended: it
    // never goes in this one, under a fresh session the server would take it anew in (a dead
    // worker's send its tab re-posted as the app switched users: it reached the app twice,
    // and resolved). Rejected as a logout's unacknowledged messages are: all of `sessions`,
    // the bound is on those kept (review 21d).
    this.#loggedOut = [...this.#loggedOut, ...sessions];
    if (!this.#session.written && sessions.includes(this.#session.id)) this.#takeSession(undefined);
    else this.#rejectLoggedOut();
    this.#loggedOut = this.#loggedOut.slice(-LOGGED_OUT_KEPT);
  }

  /** Rejects the waiting messages of sessions a logout ended (see `leave`). */
  #rejectLoggedOut(): void {
    this.#queue.rejectWrittenUnder(this.#endedElsewhere, unconfirmed('logout'));
  }

  /**
   * A session a logout ended, other than the one this login is on: one it resumed already
   * goes on as it is (see `leave`).
   */
  readonly #endedElsewhere = (session: string): boolean =>
    session !== this.#session.id && this.#loggedOut.includes(session);

  /**
   * Ids below `nextId` may have been used by another hub: new messages go above them. The
   * tabs hear of it with the next write (`#flush` reserves then): a cursor told now would
   * carry this hub's last push, ahead of the catch-up a tab that comes back is about to get.
   */
  #skipIdsBelow(nextId: number): void {
    if (nextId <= this.#queue.nextId) return;
    this.#queue.continueFrom(nextId);
    this.#reservedId = Math.max(this.#reservedId, nextId);
  }

  /** Begins a session, or goes on with the one `resumeFrom` names; no id of another counts. */
  #takeSession(resumeFrom: SessionCursor | undefined): void {
    // The server may hold the session left still: a message written there goes with its id.
    const from = this.#session.id;
    this.#session = resumeFrom
      ? new WireSession(resumeFrom.session, resumeFrom.seq, standingOf(resumeFrom))
      : new WireSession();
    // Fresh and numbered (another hub heard it was numbered elsewhere: see `cursor`), or a
    // session a join said was numbered before this hub took it up (`#numberedOther`).
    const numbered = resumeFrom?.numbered || resumeFrom?.session === this.#numberedOther;
    if (numbered) this.#session.numberedElsewhere();
    this.#epoch = resumeFrom?.epoch ?? 0;
    this.#queue.requeueUnacked({ renumber: true, from });
    this.#rejectLoggedOut();
    if (resumeFrom) this.#queue.continueFrom(resumeFrom.nextId);
    this.#reserveIds();
  }

  /** A socket opened: negotiate, or carry traffic at once for a server known to be plain. */
  opened(): void {
    this.#nonce = '';
    this.#socketUse = 'untouched';
    this.#queue.socketOpened();
    // The session keeps its topics across sockets, and the last `sub` may have been lost
    // with the old one: topics ever sent go again after the resume, also an empty set.
    if (this.#topicsSent !== '[]') this.#topicsSent = undefined;
    this.#phase = 'negotiating';
    if (this.#serverKind === 'tabsocket') {
      // A server that said hello before will say it again: wait as long as a handshake may
      // take. Silence that long fails this attempt, but does not make the login plain for
      // good (that would lose the session's guarantees on one slow start): the next socket
      // listens as a first one does, and a server really rolled back to plain shows there.
      this.#negotiationTimer.start(this.options.connectTimeout, () => {
        this.#serverKind = 'unknown';
        this.host.fail('connect-timeout');
      });
      return;
    }
    this.#negotiationTimer.start(HELLO_WINDOW, () => this.#settlePlain());
  }

  /** The socket is gone or given up: messages wait for the next one. */
  down(): void {
    this.#negotiationTimer.clear();
    this.#phase = 'down';
  }

  /** Writes now when the link carries traffic, else waits in order for the next socket. */
  send(data: SocketData, numbering?: Numbering): Promise<void> {
    // Written before under a session a logout ended (a re-post reaching the hub after its
    // `leave`): of that login, as in `leave`.
    if (
      numbering &&
      writtenUnder(numbering, numbering.id !== undefined).some(this.#endedElsewhere)
    ) {
      return Promise.reject(unconfirmed('logout'));
    }
    // Measured as it will most likely be written: numbered, unless the server is plain.
    const sent = this.#queue.add(data, numbering, this.#serverKind !== 'plain');
    if (this.#phase === 'tabsocket' || this.#phase === 'plain') this.#flush();
    return sent;
  }

  rejectAll(error: TabSocketError): void {
    this.#queue.rejectAll(error);
  }

  /**
   * The server closed the socket for a frame too large (1009): the largest unacknowledged
   * message is rejected with `TooLargeError` and never resent, or the next socket would be
   * closed for it too, and the one after, for ever.
   */
  refuseLargest(): void {
    const bytes = this.#queue.refuseLargest();
    if (bytes === undefined) return;
    this.#closedFor = Math.min(this.#closedFor, bytes);
    this.#setLimits(this.#limits);
  }

  /**
   * The login ends (`reason`): what was never written is rejected as not delivered. A logout
   * on a socket whose `resume` went out tells the server, which ends the session (`EndFrame`).
   * Whether the socket waits before it closes: for the acks of the messages written on it,
   * and, `closeDropsEnd` (the HTTP stream drops what it has not posted yet as it closes), for
   * the server's close that answers `end`.
   */
  end(reason: TransitionReason, closeDropsEnd: boolean): boolean {
    this.#queue.rejectWaiting(
      new ConnectionClosedError(`tabsocket: the connection was closed (${reason})`),
      unconfirmed(reason),
    );
    const ends = reason === 'logout' && (this.#phase === 'resuming' || this.#phase === 'tabsocket');
    if (ends) this.#write(END_FRAME);
    this.#endAnswer = ends && closeDropsEnd ? 'awaited' : 'none';
    return (this.#phase === 'tabsocket' && this.#queue.size > 0) || this.#endAnswer === 'awaited';
  }

  /**
   * A frame of the socket a logout keeps (`FinalAcks`): only acks count. Whether the wait is
   * over: every ack in, and no server's close awaited after `end`.
   */
  finalFrame(data: unknown): boolean {
    if (typeof data === 'string' && data.startsWith('{')) {
      const verdict = readServerFrame(parseJson(data), 'tabsocket', this.#nonce);
      if (verdict.kind === 'ack') this.#queue.ack(verdict.id);
      // A refused message is settled too: the server said it does not have it.
      if (verdict.kind === 'refused' && verdict.frame === 'msg') this.#refused(verdict);
    }
    return this.#queue.size === 0 && this.#endAnswer === 'none';
  }

  /** After `end`: what was written and never acknowledged may or may not be with the server. */
  rejectUnconfirmed(reason: TransitionReason): void {
    this.#queue.rejectAll(unconfirmed(reason));
  }

  /** The union of the tabs' topics, told to a server that speaks the tabsocket protocol. */
  setTopics(topics: readonly string[]): void {
    this.#topics = [...topics].sort();
    this.#sendTopics();
  }

  /** The heartbeat's ping: like any write, it makes the socket plain for a server still waiting for a resume. */
  writePing(ping: SocketData): void {
    this.#write(ping);
  }

  /** A frame of the current socket (any frame has already counted as life). */
  received(data: unknown): void {
    if (this.#phase === 'down') return;
    const use = this.#socketUse;
    this.#socketUse = 'used';
    if (typeof data !== 'string') {
      // Binary frames are always the application's; while resuming, the replay brings them.
      if (this.#phase === 'negotiating') this.#settlePlain();
      if (this.#phase !== 'resuming') this.events.frame({ data });
      else this.#resumeHeard = 'frames';
      return;
    }
    // Parsed at most once; in 'text' format only what may be a control frame or an object pong.
    const parsed =
      this.options.format === 'json' || data.startsWith('{') ? parseJson(data) : undefined;
    if (this.host.isPong(data, parsed)) return;
    const verdict = readServerFrame(parsed, this.#phase, this.#nonce);
    switch (verdict.kind) {
      case 'hello':
        this.#setLimits(limitsFromHello(this.options.limits, verdict.limits));
        this.#startResume(verdict.nonce);
        return;
      case 'late-hello':
        // Late (an event loop busy past HELLO_WINDOW) on a socket that carried nothing yet:
        // the server still waits for our first frame, so the session starts here after all.
        if (use === 'untouched') {
          this.#setLimits(limitsFromHello(this.options.limits, verdict.limits));
          this.#startResume(verdict.nonce);
          return;
        }
        // Else the socket stays plain: what waited went out plainly as the window closed
        // (each send resolved on its write, never to be acked), or a ping did, and the server
        // takes a socket whose first frame is not a resume for a plain client for good. The
        // next socket of this login listens for hello as long as a handshake may take.
        this.#serverKind = 'tabsocket';
        return;
      case 'resumed':
        this.#session.answered(verdict.seq);
        if (!this.#ambiguous()) this.#resumed(verdict.lastId);
        return;
      case 'resync':
        this.#resynced(verdict.seq, verdict.session, verdict.lastId, verdict.whole);
        return;
      case 'resume-refused':
        this.#resumeRefused();
        return;
      case 'push':
        this.#acceptPush(verdict.frame);
        return;
      case 'ack':
        this.#queue.ack(verdict.id);
        return;
      case 'refused':
        this.#refused(verdict);
        return;
      case 'app':
        if (this.#phase === 'negotiating') this.#settlePlain();
        this.#deliverText(data, parsed);
        return;
      case 'drop':
        if (this.#phase === 'resuming') this.#resumeHeard = 'frames';
        return;
    }
  }

  #write(data: SocketData): void {
    this.#socketUse = 'used';
    this.host.write(data);
  }

  /** Writes what waits: numbered while the session is attached, else as it is. */
  #flush(): void {
    this.#queue.flush({
      numbered: this.#phase === 'tabsocket',
      write: (data) => this.#write(data),
    });
    if (this.#queue.nextId >= this.#reservedId) this.#reserveIds();
  }

  /** Reserves the next ids and tells the cursor: at the start of a session, then once per ID_RESERVE sends. */
  #reserveIds(): void {
    this.#reservedId = this.#queue.nextId + ID_RESERVE;
    this.events.cursor(this.cursor);
  }

  /**
   * Negotiation is over: the heartbeat starts (no ping may go before a session is attached:
   * the server would take the socket for a plain client) and what waited is written.
   */
  #carry(phase: 'tabsocket' | 'plain'): void {
    this.#negotiationTimer.clear();
    this.#phase = phase;
    this.host.ready();
    this.#flush();
  }

  /** The server is plain: no hello came. What waited for an ack is written plainly. */
  #settlePlain(): void {
    this.#serverKind = 'plain';
    this.#queue.requeueUnacked({ renumber: false });
    this.#carry('plain');
  }

  #startResume(nonce: string): void {
    // Whether the tabs' cursors may say `numbered` already: a held session taken from a
    // cursor (another hub's, a pagehide's) on this login's first hello did not, nor a new
    // one another hub said was numbered (`numberedElsewhere`).
    const told = this.#session.standing !== 'new' && this.#serverKind === 'tabsocket';
    this.#serverKind = 'tabsocket';
    this.#phase = 'resuming';
    this.#nonce = nonce;
    this.#resumeHeard = 'nothing';
    this.#negotiationTimer.start(this.options.connectTimeout, () =>
      this.host.fail('connect-timeout'),
    );
    const resume = this.#session.resumeFrame(nonce);
    // The server attaches the session as it reads this, and may push into it at once; the
    // answer may never come. Every later resume of it says `held`, and the tabs hear so
    // before it is written: a hub that takes the session from their cursor says it too.
    this.#session.offered();
    if (!told) this.events.cursor(this.cursor);
    this.#write(resume);
  }

  /**
   * The session is attached: resend what was never acked, then what waited, in order. New
   * messages are numbered above `lastId`, the highest id the server passed on: the cursor
   * this hub resumed from may predate ids another hub used (a reloaded page's stale one).
   */
  #resumed(lastId: number): void {
    this.#session.attached();
    this.#skipIdsBelow(lastId + 1);
    for (const frame of this.#queue.unackedFrames()) this.#write(frame);
    this.#phase = 'tabsocket';
    this.#sendTopics();
    this.#carry('tabsocket');
  }

  /**
   * The server could not replay what followed our last push: the stream goes on after `seq`,
   * under `session` when the server no longer had ours. That new session is told before any
   * of its pushes (the tabs and relay peers hold cursors of the old one, and would drop its
   * pushes 1, 2… as seen), and the messages not acknowledged go again under its ids.
   * Numbers never go backwards under one id: a resync below our last push without a new id
   * (a server that numbers a session it lost from 1 again) is a refused resume.
   * A new session from its first push, nothing having come meanwhile, has every push made
   * since the socket opened (the server wrote them to the socket and the session took them
   * over): only what was made before is lost (`past`).
   */
  #resynced(seq: number, session: string | undefined, lastId: number, whole?: boolean): void {
    let reach: ResyncReach | undefined;
    const renamed = session !== undefined && session !== this.#session.id;
    if (renamed) {
      if (seq === 0 && (whole || this.#resumeHeard === 'nothing')) reach = 'past';
      // The server may hold the session left still (of another login, as it sees this
      // socket: review 18): a message written there names it.
      const from = this.#session.id;
      this.#session = new WireSession(session, seq);
      this.#epoch += 1;
      this.#queue.requeueUnacked({ renumber: true, from });
      // Off a session a logout ended, its messages stay that login's (review 21d).
      this.#rejectLoggedOut();
      this.#reserveIds();
    } else if (seq < this.#session.lastSeq) {
      this.#resumeRefused();
      return;
    } else {
      this.#session.skipTo(seq);
    }
    this.events.resync(reach);
    // Within the session, the tabs' cursors go on from `seq` too, or a page that reloads
    // before the next push resumes from behind the gap and is told it again; after the
    // resync, or one that reloads in between would never hear of the gap.
    if (!renamed) this.events.cursor(this.cursor);
    this.#resumed(lastId);
  }

  /**
   * The server will not resume this session (it no longer knows it, or refuses its id).
   * Asking again would be refused again, for ever: a fresh session starts on the next
   * socket, with the unacknowledged messages renumbered (the server lost track of them, so
   * one it had passed on may reach the app twice; none is lost), and the tabs refetch.
   */
  #resumeRefused(from?: string): void {
    this.#session = new WireSession();
    this.#epoch += 1;
    this.#queue.requeueUnacked({ renumber: true, from });
    this.#rejectLoggedOut();
    this.#reserveIds();
    this.events.resync();
    this.host.fail('resume-refused');
  }

  #acceptPush(frame: PushFrame): void {
    const verdict = this.#session.accept(frame.seq);
    if (verdict === 'duplicate') return;
    if (verdict === 'gap') this.events.resync();
    if (typeof frame.text === 'string') {
      const parsed = this.options.format === 'json' ? parseJson(frame.text) : undefined;
      this.#deliverText(frame.text, parsed, frame.seq);
    } else {
      const decoded = decodeValue(frame.data, this.options);
      decoded.seq = frame.seq;
      this.events.frame(decoded);
    }
  }

  #deliverText(text: string, parsed: unknown, seq?: number): void {
    const { frame, malformed } = decodeText(text, parsed, this.options);
    if (seq !== undefined) frame.seq = seq;
    this.events.frame(frame);
    if (malformed) {
      this.events.error(
        new MalformedFrameError(
          `tabsocket: a frame of ${text.length} characters is not JSON; delivered as text`,
        ),
      );
    }
  }

  /** Whatever a hello says, a message as large as one the server closed a socket for is refused. */
  #setLimits(limits: Limits): void {
    this.#limits = { ...limits, maxPayload: Math.min(limits.maxPayload, this.#closedFor - 1) };
    this.#queue.maxPayload = this.#limits.maxPayload;
  }

  /**
   * The server refused a frame of ours and said which. A `msg` with its id rejects that
   * send, and only it; otherwise every tab hears it. Neither is sent again: the server would
   * refuse it again, and close the socket after `maxRefusals`.
   */
  #refused({ frame, code, message, id }: Extract<ServerFrameVerdict, { kind: 'refused' }>): void {
    const text = `tabsocket: the server refused the ${frame === 'sub' ? 'topics' : 'message'} (${code}): ${message}`;
    const error = code === 'too-large' ? new TooLargeError(text) : new RefusedError(text);
    if (frame === 'msg' && id !== undefined) this.#queue.refuse(id, error);
    else this.events.error(error);
  }

  /** Sends the topics the server takes; the tabs hear of any left out (none, when the hub refused them first). */
  #sendTopics(): void {
    if (this.#phase !== 'tabsocket') return;
    const within = topicsWithin(this.#topics, this.#limits);
    let frame = subscribeFrame(within);
    // Escaped and in UTF-8, 1,024 topics of 256 characters may pass maxPayload: the socket
    // would close with 1009 on every resume. The last topics go until the frame fits.
    while (within.length > 0 && !fitsPayload(frame, this.#limits.maxPayload)) {
      within.length = Math.floor(within.length * 0.9);
      frame = subscribeFrame(within);
    }
    const topics = JSON.stringify(within);
    if (topics === this.#topicsSent) return;
    this.#write(frame);
    this.#topicsSent = topics;
    const left = this.#topics.length - within.length;
    if (left > 0) {
      this.events.error(
        new TooLargeError(
          `tabsocket: ${left} topics were not subscribed: past the server's limits (${JSON.stringify(this.#limits)})`,
        ),
      );
    }
  }
}

const END_FRAME = JSON.stringify({ $ts: 'end' } satisfies EndFrame);

function subscribeFrame(topics: string[]): string {
  const frame: SubscribeFrame = { $ts: 'sub', topics };
  return JSON.stringify(frame);
}

/** How a session taken from `cursor` stands: fresh only if no hub ever wrote a resume of it. */
function standingOf(cursor: SessionCursor): SessionStanding {
  return cursor.fresh ? 'new' : 'attached';
}

/** The rejection of a message written and not acknowledged when its login closed. */
export function unconfirmed(reason: TransitionReason): UnconfirmedSendError {
  return new UnconfirmedSendError(
    `tabsocket: the connection was closed (${reason}) before the message's ack: the server may have it`,
  );
}
