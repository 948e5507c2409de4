import type { Clock } from '../../protocol/clock';
import { type SerializedError, serializeError, type TabSocketError } from '../../protocol/errors';
import { hubLockName } from '../../protocol/locks';
import {
  type EndedLogin,
  type OwnerMessage,
  type OwnerStatus,
  type PeerMessage,
  RELAY_VERSION,
  type RelayBody,
} from '../../protocol/relay';
import type { StateDetail } from '../../protocol/state';
import type { SessionCursor, TabEvent, TabFrame, WireId } from '../../protocol/tab-hub';
import { isMessageOrigin, isWrittenBefore } from '../../protocol/wire-checks';
import type { LockWaiter, RelayChannel, ScheduleTask } from '../platform';
import type { ResyncReach } from '../socket/connection-events';
import type { Numbering } from '../socket/send-queue';
import { FrameBatcher } from './frame-batcher';
import { type Missed, missesOther } from './recent-frames';
import { WrittenSends } from './relay-written';
import { HeardWrites, numberingUnder, wireOf } from './tab-send';

/** What the owner needs of the connection it serves its peers from. */
export interface ServedConnection {
  readonly status: OwnerStatus;
  readonly cursor: SessionCursor;
  send(data: PeerSend['data'], numbering: Numbering): Promise<void>;
  /** A new login's hub's cursor: whether it says the session held (`WireLink.numberedElsewhere`). */
  numberedElsewhere(cursor: SessionCursor): void;
}

type PeerSend = Extract<PeerMessage, { kind: 'send' }>;

/** What the owner's hub does on a peer's behalf. */
export interface OwnerHost {
  /** The peers' topics changed: the server must hear the union with this hub's own. */
  topicsChanged(): void;
  /** A peer's tab logged out (or in anew): the connection closes for every hub. */
  close(code: number, closeReason: string, reason: 'logout' | 'replaced'): void;
  /** A rejoining hub's cursor: what it says of the session (`Connection.learn`). */
  learn(cursor: SessionCursor): void;
  /** A joining hub's logouts ended these sessions (`Connection.leave`). */
  ended(sessions: readonly string[]): void;
  /** Whether this hub's login began after a logout (see `OwnerMessage` owner's). */
  afterLogout(): number | boolean;
  /** The sessions this hub knows logouts ended (`LoginEnds.sessions`). */
  loggedOut(): string[];
}

/** What the owner's tabs heard (`HeardStream`): the pushes kept, and the builds they know. */
export interface OwnerStream {
  /** `answer`: what a hub whose stream stands at `cursor` missed (see `HeardStream.missedBy`). */
  missedBy(
    by: string,
    cursor: SessionCursor,
    current: () => SessionCursor,
    answer: (missed: Missed) => void,
  ): void;
  /** A superseded fresh session's cursor as one of this stream (see `HeardStream.asOwn`). */
  asOwn(cursor: SessionCursor): SessionCursor;
  /** A gap: every tab and peer hears `resync` (see `HeardStream.resync`). */
  resync(): void;
  /** What a hub whose tabs opened at `at` missed (see `HeardStream.heardSince`). */
  heardSince(at: number, current: SessionCursor): Missed;
  /** When this hub last heard the stream go on: a push or a gap (see `HeardStream.heardTo`). */
  readonly heardTo: number;
  /** The builds of every hub on the connection, for this hub's tabs. */
  builds(builds: string[]): void;
}

interface Peer {
  build: string;
  topics: string[];
  /** Aborted once the peer is dropped, or this owner lets go: see `#drop` and `#send`. */
  gone: AbortController;
  /** Its last join: a `rejoin` (else a new login's), and the sessions its hub's logouts ended. */
  joined: { rejoin: boolean; ended: readonly string[] };
  /** The login of its hub that joined last (see `PeerMessage.login`). */
  login: number | undefined;
  /**
   * The last send id this owner took from that login: it posts its sends in order, and
   * again, unsettled, to each owner it adopts; one taken already is not taken twice.
   */
  lastSend: number;
  /**
   * How the last sends of that login settled (an error's, or none), for one it posts again
   * after it missed the `settled` (it followed another owner a moment): told again.
   */
  settled: Map<number, SerializedError | undefined>;
}

/** How many sessions of peers' cursors an owner keeps (`#joinedSessions`): a few pages' at most. */
const JOINED_SESSIONS_KEPT = 16;

/** How many settlements a peer's entry keeps: past that, a send posted again is written again. */
const SETTLED_KEPT = 64;

type Join = Extract<PeerMessage, { kind: 'join' }>;

/**
 * The owner's side of the relay: it hears its peers (joins, topics, sends, logouts) and
 * tells them what it tells its own tabs. Nothing goes on the channel while no peer has
 * joined but its announcement (and the word of a logout, after a takeover), so a hub alone
 * (the usual case) pays nothing for the relay. A peer is dropped
 * when it leaves, or when its hub dies: every hub holds `hubLockName(id)` for its whole
 * life, and the owner queues for it.
 */
export class RelayOwner {
  readonly #peers = new Map<string, Peer>();
  /**
   * The ids this owner wrote its peers' sends under, by origin: a peer may die before its
   * tabs heard them, and the tabs, told nothing, post the sends again through their fresh
   * hub as new.
   */
  readonly #written: WrittenSends;
  /**
   * The peers' sends numbered and not written until their peer answers that it holds the
   * id (`holds`): a peer that takes the socket as this owner dies, before it read the
   * `numbered`, would write the send again as new, and the server pass it on twice.
   */
  readonly #holds: HeardWrites;
  /** Gathers a burst's pushes as the tabs' batcher does: one relay message per task. */
  readonly #batcher: FrameBatcher<RelayChannel>;
  #muted = false;
  /**
   * The peers told `resync` for their join since the socket opened (or as it opened): a
   * `resync` of what its session lost before it opened is theirs already (seed 4001).
   */
  readonly #resyncedSinceOpen = new Set<string>();
  /** The peers' logins as the login ended (`state`), for the owner's `leaving`. */
  #ended: EndedLogin = { logins: [], sessions: [] };
  /**
   * The sessions of the cursors peers joined with, other than this owner's, last ones kept:
   * a logout ends them with the login (a page whose hub kept its tabs' cursor over this
   * owner's fresh session, and whose worker may bring it back: review 14).
   */
  readonly #joinedSessions = new Set<string>();
  /** The hub whose rejoin this owner's `resync` is for nothing to (see `receive`). */
  #sparing: string | undefined;

  constructor(
    private readonly channel: RelayChannel,
    private readonly hubId: string,
    private readonly build: string,
    private readonly url: string,
    private readonly name: string,
    private readonly socket: ServedConnection,
    private readonly locks: LockWaiter | undefined,
    private readonly host: OwnerHost,
    private readonly heard: OwnerStream,
    schedule: ScheduleTask,
    clock: Clock,
    /**
     * Whether the word of this owner's logout goes out with no peer (see `state`): it took the
     * socket with a cursor (its owner's, as that one died, or its tabs'), or a hub asked on
     * the channel to close the login.
     */
    private tellsLogout = false,
  ) {
    this.#batcher = new FrameBatcher(schedule, (_channel, event) =>
      this.#post({ kind: 'event', event }),
    );
    this.#written = new WrittenSends(locks);
    this.#holds = new HeardWrites((holder) => this.#peers.has(hubOf(holder)), clock);
    this.#announce('');
  }

  /** Every topic some peer subscribes to. */
  get topics(): string[] {
    return [...this.#peers.values()].flatMap((peer) => peer.topics);
  }

  /** The peers' logins as the login ended: empty while it goes on. */
  get ended(): EndedLogin {
    return this.#ended;
  }

  /**
   * This login's session and those its peers joined with (see `#joinedSessions`): what its
   * logout ends. A rejoining worker's tabs may bring any of them to the next owner.
   */
  get loginSessions(): string[] {
    return [this.socket.cursor.session, ...this.#joinedSessions];
  }

  get hasPeers(): boolean {
    return this.#peers.size > 0;
  }

  /** The builds of this hub and its peers, without repeats, sorted. */
  get builds(): string[] {
    return [
      ...new Set([this.build, ...[...this.#peers.values()].map((peer) => peer.build)]),
    ].sort();
  }

  receive(message: PeerMessage): void {
    // This hub's own earlier login, relaying still (review 10): not a peer of this one.
    if (this.#muted || message.from === this.hubId) return;
    // A join, leave, send or topics of an earlier login of that hub, still on its way (its
    // channel was another), would undo what its later login told. Its logout (`close`)
    // and its answers (`holds`) count whenever they come (review 9).
    const login = this.#peers.get(message.from)?.login;
    const stale = login !== undefined && message.login !== undefined && message.login < login;
    // A switch to another url that a later login of the hub undid (review 10).
    const undone = message.kind === 'close' && message.reason === 'replaced';
    if (stale && ((message.kind !== 'close' && message.kind !== 'holds') || undone)) return;
    switch (message.kind) {
      case 'join':
        // Learnt before the answer, which tells the session this owner goes on with. Only a
        // rejoin's (tabs whose worker died, in a live login): a new login's may be a
        // reloaded page's of a login that ended since, which no hub may resume. Of this
        // owner's session, any, for whether its resume says `held` alone: told once the hub
        // is a peer, which hears the new session and the resync should the cursor make this
        // owner leave its own (`WireLink.#ambiguous`, review 23e).
        if (message.cursor && message.intent === 'rejoin') {
          const was = this.socket.cursor;
          this.host.learn(message.cursor);
          const now = this.socket.cursor;
          // It took up the rejoin's session (the one that went on, `WireLink.learn`) over one
          // its tabs heard pushes of: they, and the peers that joined it, missed the pushes
          // of the one taken up, as `Hub.open` tells the other tabs when a tab's cursor does
          // so; not the hub that brought it (review 23l). A fresh session of its own, no push
          // in it, left no tab behind (its tabs opened without a cursor).
          if (now.session !== was.session && was.seq > 0) {
            this.#sparing = message.from;
            this.heard.resync();
            this.#sparing = undefined;
          }
        }
        if (message.ended) this.host.ended(message.ended);
        if (message.cursor) {
          const cursor = this.heard.asOwn(message.cursor);
          const current = this.socket.cursor;
          // Of another session, the verdict is a `resync` or nothing: the answer says which
          // (the hub tells its tabs the session with it). A superseded fresh session's is of
          // this one: the hub's stream starts at it, before the verdict's frames.
          const other = cursor.session !== current.session;
          const startsAfter = other || cursor === message.cursor ? undefined : cursor.seq;
          this.#join(message, undefined, startsAfter, other && missesOther(cursor, current));
          if (message.intent !== 'rejoin') this.socket.numberedElsewhere(message.cursor);
          this.#catchUp(message.from, cursor);
        } else this.#joinSince(message);
        return;
      case 'topics': {
        const peer = this.#peers.get(message.from);
        if (!peer) return;
        peer.topics = message.topics;
        this.host.topicsChanged();
        return;
      }
      case 'send':
        if (message.to === this.hubId) this.#send(message);
        return;
      case 'holds':
        if (message.to === this.hubId) {
          const { from, id, wire, session, login } = message;
          this.#holds.heard(holderOf(from, login), id, { session, id: wire });
        }
        return;
      case 'close':
        // A hub that asked is told the word, also one that never joined (a tab's logout
        // posted again to its fresh hub after its hub died, `logOutElsewhere`).
        this.tellsLogout = true;
        this.host.close(message.code, message.closeReason, message.reason);
        return;
      case 'leave':
        this.#drop(message.from);
        return;
    }
  }

  state(status: OwnerStatus, detail: StateDetail): void {
    if (status.state !== 'open') this.#resyncedSinceOpen.clear();
    // The word of a logout goes out with no peer too when this owner took the socket with a
    // cursor: the hubs that followed the owner that died may not have joined this one yet,
    // and its next login would leave the lock to one of them, which resumes the logged-out
    // session (review 22e). And to a hub that asked, which waits for it. Not always: on
    // lagging channels one more word of a hub delays its `leaving` behind it, which a
    // reloaded page's hub must hear before its resume (seed 4102's lagging form).
    const logout = status.state === 'closed' && detail.reason === 'logout';
    if (this.hasPeers || (logout && this.tellsLogout)) {
      this.#batcher.flush();
      this.#post({ kind: 'state', status, detail, session: this.socket.cursor.session });
    }
    // The login ended for every hub: the owner keeps the lock, dormant, and says no more.
    if (status.state === 'closed' || status.state === 'failed') {
      const logins = [...this.#peers].map(([hub, { login }]) => ({ hub, login }));
      this.#ended = { logins, sessions: this.loginSessions };
      this.dispose();
    }
  }

  frame(frame: TabFrame): void {
    if (this.hasPeers) this.#batcher.add([this.channel], this.name, frame);
  }

  error(error: TabSocketError): void {
    this.#event({ kind: 'error', name: this.name, error: serializeError(error) });
  }

  resync(reach?: ResyncReach): void {
    // `owed` is this hub's, not its peers'.
    const past = reach === 'past' || undefined;
    const spares = past && this.#resyncedSinceOpen.size > 0 ? [...this.#resyncedSinceOpen] : [];
    if (this.#sparing) spares.push(this.#sparing);
    this.#event({ kind: 'resync', name: this.name, past }, spares);
  }

  cursor(cursor: SessionCursor): void {
    this.#event({ kind: 'cursor', name: this.name, cursor });
  }

  #event(event: TabEvent, spares: string[] = []): void {
    if (!this.hasPeers) return;
    this.#batcher.flush();
    this.#post({ kind: 'event', event, ...(spares.length > 0 ? { spares } : {}) });
  }

  /**
   * Lets go of the peers without closing anything for them: their sends stay theirs, and
   * the owner that follows resumes the session. Nothing more goes on the channel.
   */
  handOver(ended?: string): void {
    this.#batcher.flush();
    this.#post({ kind: 'leaving', ended });
    this.dispose();
  }

  dispose(): void {
    this.#muted = true;
    for (const [hubId, peer] of this.#peers) {
      peer.gone.abort();
      this.#forgetHolds(hubId);
    }
    this.#peers.clear();
    this.#written.dispose();
  }

  /**
   * Whether a peer's login began after the one on `session` ended: its last join was a new
   * login's, or its hub's logout ended that session (it logged in again since).
   */
  servesLoginAfter(session: string): boolean {
    return [...this.#peers.values()].some(
      ({ joined }) => !joined.rejoin || joined.ended.includes(session),
    );
  }

  /**
   * A join without a cursor: its tabs opened at its `since` and heard nothing yet, so this
   * owner's stream starts for them with the pushes it heard since then, before its answer
   * (a relaying hub's tabs hear what it posted only from that answer on).
   */
  #joinSince(message: Join): void {
    const { since } = message;
    if (since === undefined) {
      this.#join(message);
      return;
    }
    const missed = this.heard.heardSince(since, this.socket.cursor);
    const first = missed === 'resync' ? undefined : missed?.[0]?.seq;
    this.#join(message, since, first === undefined ? undefined : first - 1);
    this.#tellMissed(message.from, missed);
  }

  /** `since`, `startsAfter`, `resyncs`: see `#announce`. */
  #join(
    { from: hubId, build, topics, ask, intent, ended = [], login, cursor }: Join,
    since?: number,
    startsAfter?: number,
    resyncs?: boolean,
  ): void {
    const joined = { rejoin: intent === 'rejoin', ended };
    if (cursor && cursor.session !== this.socket.cursor.session) {
      this.#joinedSessions.delete(cursor.session);
      this.#joinedSessions.add(cursor.session);
      if (this.#joinedSessions.size > JOINED_SESSIONS_KEPT) {
        const [oldest] = this.#joinedSessions;
        if (oldest !== undefined) this.#joinedSessions.delete(oldest);
      }
    }
    // The answer first: a peer hears only the owner it adopted, and takes as its stream
    // only what follows the answer (and the catch-up after it), so no push may wait in
    // the batcher to be posted after the answer.
    this.#batcher.flush();
    this.#announce(hubId, ask, since, startsAfter, resyncs);
    const known = this.#peers.get(hubId);
    if (known) {
      known.topics = topics;
      known.joined = joined;
      // A peer of an earlier release numbers no login: each join may be of a new one.
      if (login === undefined || known.login !== login) {
        known.lastSend = 0;
        known.settled.clear();
      }
      known.login = login;
      this.host.topicsChanged();
      return;
    }
    const gone = new AbortController();
    this.#peers.set(hubId, {
      build,
      topics,
      gone,
      joined,
      login,
      lastSend: 0,
      settled: new Map(),
    });
    this.locks
      ?.request(hubLockName(hubId), { mode: 'shared', signal: gone.signal }, () =>
        this.#drop(hubId),
      )
      // An abort (the peer left, or this owner let go) rejects the request: nothing to do.
      .catch(() => {});
    this.host.topicsChanged();
    this.#buildsChanged();
  }

  /**
   * A peer that joins this owner may have missed pushes: the ones this owner replayed on
   * taking the session over, before the peer had joined, went to no peer.
   */
  #catchUp(hubId: string, cursor: SessionCursor): void {
    this.heard.missedBy(
      hubId,
      cursor,
      () => this.socket.cursor,
      (missed) => this.#tellMissed(hubId, missed),
    );
  }

  #tellMissed(hubId: string, missed: Missed): void {
    // Nothing, or no frame: nothing to tell.
    if (!missed?.length) return;
    if (missed !== 'resync') {
      this.#post({
        kind: 'event',
        to: hubId,
        event: { kind: 'frames', name: this.name, frames: missed },
      });
      return;
    }
    // Told as the socket opened (a verdict kept for it) or since.
    if (this.socket.status.state === 'open') this.#resyncedSinceOpen.add(hubId);
    const { heardTo } = this.heard;
    this.#post({ kind: 'event', to: hubId, event: { kind: 'resync', name: this.name }, heardTo });
    // Where the stream goes on past that gap: the peer's tabs that heard the verdict go on
    // from there, and one that comes back behind it (a page reloaded before the verdict
    // reached it) is told it by the peer's own catch-up (review 22d).
    const cursor = this.socket.cursor;
    this.#post({ kind: 'event', to: hubId, event: { kind: 'cursor', name: this.name, cursor } });
  }

  #drop(hubId: string): void {
    const peer = this.#peers.get(hubId);
    if (!peer) return;
    this.#peers.delete(hubId);
    peer.gone.abort();
    this.#forgetHolds(hubId);
    this.host.topicsChanged();
    this.#buildsChanged();
  }

  /**
   * Writes a peer's send until that peer is gone. A peer that died (or left) withdraws its
   * sends not settled: its tabs, if they live on, post them again to their next hub, under
   * the message id they were told (`written`); were the owner to write them too, a session
   * the server lost would get each twice under two ids. A peer that died with its tabs
   * leaves nobody waiting for them: they are dropped as the tabs' own would be. One this
   * owner wrote before its peer read the id (it died first, or was busy until it died)
   * reached no tab's ears, even once the server acknowledged it: posted again by its
   * `origin`, it keeps the id this owner wrote it under (the server passes it once).
   * A peer that `confirms` is told the id before the write, which waits for its answer.
   */
  #send({ from, id, data, wire, session, origin, before, heard, confirms, login }: PeerSend): void {
    if (heard) this.#written.heard(from, heard);
    const peer = this.#peers.get(from);
    // Dropped already: the peer died, and the news (its lock) came before this word of it
    // on the channel. Its tabs post the send again through their next hub, if they live.
    if (!peer) return;
    // Posted again as the peer adopted this owner anew (it followed another meanwhile: an
    // announcement of a dead owner, late on a lagging channel): this owner has it, and tells
    // again how it settled, which the peer may have missed (review 10).
    if (id <= peer.lastSend) {
      if (peer.settled.has(id)) this.#tellSettled(from, id, login, peer.settled.get(id));
      if (peer.settled.has(id) || id > peer.lastSend - SETTLED_KEPT) return;
    }
    peer.lastSend = Math.max(peer.lastSend, id);
    const withdrawn = peer.gone.signal;
    // Each login of a hub numbers its sends from 1: its waits are its own (review 12).
    const holder = holderOf(from, login);
    // Told with where it was written before, as the owner's own tabs are (review 18d).
    const tell = ({ session, id: wire, before }: WireId, awaits?: true) =>
      this.#post({ kind: 'numbered', to: from, id, wire, session, awaits, login, before });
    const numbered = (wire: number, before?: WireId[], awaits?: true) => {
      const { session } = this.socket.cursor;
      const written = wireOf(session, wire, before);
      if (origin !== undefined) this.#written.record(origin, from, id, written);
      tell(written, awaits);
      return { session, id: wire };
    };
    const numbering: Numbering = confirms
      ? {
          confirm: (wire, before) => this.#holds.ask(holder, id, numbered(wire, before, true)),
          withdrawn,
        }
      : { onNumbered: (wire, before) => numbered(wire, before), withdrawn };
    const current = this.socket.cursor.session;
    const written = origin === undefined ? undefined : this.#written.writtenAt(origin);
    // Named as the owner's own tabs' sends are (`numberingUnder`): a peer's word, checked,
    // as a tab's is (`checkTabSend`); a bad one is taken as no word (review 18g). (A peer of
    // an earlier release names no session: its id is taken as this session's, as it was then.)
    const told = { session: session ?? current, id: wire };
    if (wire !== undefined && isMessageOrigin(told)) {
      const named = wireOf(told.session, told.id, isWrittenBefore(before) ? before : undefined);
      Object.assign(numbering, numberingUnder(named, current));
    } else if (written) {
      // What this owner wrote it under, and where before: a tab that knew no id. Told at
      // once: written already, it may have reached the app, whatever comes of it now (review
      // 18g: a logout answered it "closed").
      Object.assign(numbering, numberingUnder(written, current));
      tell(written);
    }
    // Nothing is told a peer that is gone: the hub that joins under its id anew (the same
    // hub, a tab of it back) numbers its sends from 1 again.
    const answerUnlessWithdrawn = (error?: TabSocketError) => {
      this.#holds.settled(holder, id);
      if (withdrawn.aborted) return;
      const told = error && serializeError(error);
      // Kept for the login that posted it only: a later one's ids are its own (review 12).
      if (peer.login === login) peer.settled.set(id, told);
      for (const old of peer.settled.keys()) {
        if (peer.settled.size <= SETTLED_KEPT) break;
        peer.settled.delete(old);
      }
      this.#tellSettled(from, id, login, told);
    };
    this.socket.send(data, numbering).then(() => answerUnlessWithdrawn(), answerUnlessWithdrawn);
  }

  #forgetHolds(hubId: string): void {
    this.#holds.forgetWhere((holder) => hubOf(holder) === hubId);
  }

  #tellSettled(
    to: string,
    id: number,
    login: number | undefined,
    error: SerializedError | undefined,
  ): void {
    this.#post({ kind: 'settled', to, id, login, ...(error ? { error } : {}) });
  }

  /** The owner's tabs and every peer hear the builds of the hubs on the connection. */
  #buildsChanged(): void {
    const { builds } = this;
    this.heard.builds(builds);
    this.#event({ kind: 'builds', name: this.name, builds });
  }

  /**
   * Tells every peer it owns the socket; `joined`: the hub whose join (`ask`) this answers.
   * `since`: the join's, whose catch-up holds what this owner heard since (`OwnerMessage`
   * owner's); `startsAfter`: the number before the first pushes of the catch-up, where the
   * joining hub's stream starts; `resyncs`: the catch-up is a `resync`.
   */
  #announce(
    joined: string,
    ask?: number,
    since?: number,
    startsAfter?: number,
    resyncs?: boolean,
  ): void {
    const { status } = this.socket;
    const { build, url } = this;
    const afterLogout = this.host.afterLogout() || undefined;
    const cursor =
      startsAfter === undefined ? this.socket.cursor : { ...this.socket.cursor, seq: startsAfter };
    this.#post({
      kind: 'owner',
      build,
      url,
      status,
      cursor,
      joined,
      asked: ask,
      ...(since === undefined ? {} : { since }),
      resyncs,
      afterLogout,
      ended: afterLogout ? this.host.loggedOut() : undefined,
    });
  }

  #post(body: RelayBody<OwnerMessage>): void {
    if (this.#muted) return;
    this.channel.postMessage({ v: RELAY_VERSION, from: this.hubId, ...body } as OwnerMessage);
  }
}

/** Who answers `holds` for a peer's send: the login of its hub that posted it. */
function holderOf(hubId: string, login: number | undefined): string {
  return login === undefined ? hubId : `${hubId}${LOGIN_SEPARATOR}${login}`;
}

function hubOf(holder: string): string {
  const at = holder.lastIndexOf(LOGIN_SEPARATOR);
  return at < 0 ? holder : holder.slice(0, at);
}

/** Hub ids are hex: this never occurs in one. */
const LOGIN_SEPARATOR = '#';
