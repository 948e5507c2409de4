import type { ResolvedConnectionOptions, Transport } from '../../protocol/connection-options';
import { OutboxFullError, UnconfirmedSendError } from '../../protocol/errors';
import { hubLockName, ownerLockName, relayChannelName } from '../../protocol/locks';
import {
  isOwnerMessage,
  type OwnerStatus,
  RELAY_VERSION,
  type RelayMessage,
} from '../../protocol/relay';
import type { ConnectionState, TransitionReason } from '../../protocol/state';
import type { OpenIntent, SessionCursor, SocketData } from '../../protocol/tab-hub';
import type { RelayChannelPort, RelayEnvironment } from '../platform';
import type { Numbering } from '../socket/send-queue';
import type { Limits } from '../socket/wire-limits';
import { AnswerWait } from './answer-wait';
import { HeardStream, type HeardTabs } from './heard-stream';
import { isLogout, LoginEnds } from './login-ends';
import { OwnedSocket } from './owned-socket';
import { before, type Missed } from './recent-frames';
import { RelayPeer } from './relay-peer';
import { refuseSend } from './send-gate';

interface Relaying {
  kind: 'relay';
  peer: RelayPeer;
  channel: RelayChannelPort;
  stop: AbortController;
  /**
   * The owner lock's release, once the lock came to this hub before the last word of the
   * owner it follows (see `#take`).
   */
  granted: (() => void) | undefined;
}

/**
 * A hub whose tab logged out while it relayed. It keeps its place in the lock's queue, and
 * the lock once granted, as a logged-out owner does: a hub that did not hear the logout (a
 * fresh one after its worker died) would otherwise take the lock and resume the session.
 */
interface Keeper {
  kind: 'keeper';
  channel: RelayChannelPort;
  stop: AbortController;
  granted: (() => void) | undefined;
}

type Role = { kind: 'idle' } | Relaying | Keeper | Owner;

interface Owner {
  kind: 'owner';
  socket: OwnedSocket;
  channel: RelayChannelPort | undefined;
  /**
   * The owner this hub took the socket from on its death, whose last word may come later;
   * undefined when the lock came before this hub heard any owner (see `#receive`).
   */
  predecessor: string | undefined;
  /** The session of the cursor this hub took the socket with: its login's, even once it left it. */
  tookOn: string | undefined;
  /** That cursor, when no owner told it to this login: its tabs brought it. */
  tookTabsCursor: SessionCursor | undefined;
  /** This hub's login number as it relayed (`PeerMessage.login`). */
  login: number | undefined;
}

/**
 * How long `open` waits for the owner's answer, and a relaying hub's logout for the owner's
 * word that it closed: a grant or a channel message takes a few ms.
 */
const KNOWN_WITHIN = 1_000;

/**
 * What a hub holds for one connection name: the socket itself, when this hub holds the
 * owner lock, or a relay to the hub that does. Every hub starts as a `relay` in the lock's
 * queue and relays meanwhile; the grant makes it the `owner`, which resumes the session
 * the relay saw, so a handover loses nothing. An owner whose connection closed or failed
 * stays dormant with the lock, so that no queued peer reopens a socket the user logged out
 * of, until some hub starts a new login (its join wakes it) or it is disposed.
 */
export class SharedConnection {
  #role: Role = { kind: 'idle' };
  /** The status of the last role, shown while idle. */
  #final: OwnerStatus = { state: 'idle', generation: 0, failedAttempts: 0 };
  #online = true;
  #topics: readonly string[] = [];
  /** What this hub's tabs hear, whoever owns the socket. */
  readonly #heard: HeardStream;
  /** The logins that ended in this browser, as this hub knows them. */
  readonly #ends: LoginEnds;
  /** Owners of another url this hub asked to make way for its login, by hub id. */
  readonly #replaced = new Set<string>();
  /** Until this hub knows the state: bounded, as an owner of another relay version never answers. */
  readonly #known: AnswerWait;
  /** When the tab that started this hub's login made it (`Hub.open`): a logout made before it ends another login. */
  began = 0;
  /** The cursor this hub's login started from: its session this login's too, though it moved on. */
  #from: SessionCursor | undefined;

  constructor(
    readonly options: ResolvedConnectionOptions,
    private readonly env: RelayEnvironment,
    tabs: HeardTabs,
  ) {
    this.#known = new AnswerWait(env.clock);
    this.#ends = new LoginEnds(env.clock, KNOWN_WITHIN);
    this.#heard = new HeardStream(options.name, tabs, env.clock);
  }

  get role(): 'owner' | 'relay' {
    const { kind } = this.#role;
    return kind === 'relay' || kind === 'keeper' ? 'relay' : 'owner';
  }

  /**
   * Undefined when this hub knows the connection's state; else a promise that resolves
   * once it does (it took the socket, or the owner answered), or after `KNOWN_WITHIN` ms.
   */
  get known(): Promise<void> | undefined {
    return this.#known.promise;
  }

  get #status(): OwnerStatus {
    const role = this.#role;
    if (role.kind === 'relay') return role.peer.status;
    return role.kind === 'owner' ? role.socket.status : this.#final;
  }

  get state(): ConnectionState {
    return this.#status.state;
  }

  get generation(): number {
    return this.#status.generation;
  }

  get failedAttempts(): number {
    return this.#status.failedAttempts;
  }

  /** The transport of the owner's socket, when the owner says it. */
  get transport(): Transport | undefined {
    return this.#status.transport;
  }

  get builds(): string[] {
    return this.#heard.knownBuilds;
  }

  /** `answer`: what tab or hub `by` at `cursor` missed: frames, `'resync'`, or nothing (`HeardStream.missedBy`). */
  missedBy(by: string, cursor: SessionCursor, answer: (missed: Missed) => void): void {
    this.#heard.missedBy(by, cursor, () => this.cursor, answer);
  }

  /** What a tab without a cursor, open since `at`, missed of this hub's stream (`RecentFrames.heardSince`). */
  heardSince(at: number): Missed {
    return this.#heard.heardSince(at, this.cursor);
  }

  /** Whether a tab at `cursor` heard the stream past its last gap (`RecentFrames.heardPastGap`). */
  heardPastGap(cursor: SessionCursor): boolean {
    return this.#heard.heardPastGap(cursor);
  }

  /**
   * A tab opened while this hub relays (`openedAt`: with no cursor, since then): see
   * `HeardStream.owe`. Once the hub follows its owner, the tab's catch-up is this hub's own
   * to give (a join again for a tab's new login, `sync`, does not change that: review 21f).
   */
  owe(tabId: string, openedAt?: number): void {
    const role = this.#role;
    if (role.kind === 'relay' && !role.peer.following) this.#heard.owe(tabId, openedAt);
  }

  /** Drops the catch-up kept for `by`, and what it is owed: its open was released or superseded. */
  forget(by: string): void {
    this.#heard.forget(by);
  }

  /**
   * While relaying: waits (as `known`) for the owner's answer to an ask posted now, after what
   * the owner posted before it (pushes, a logout's word). A tab's new login on a hub that
   * relays starts there: the owner's frames and word still on their way when the tab's
   * app learnt of a logout (a user switch) are the ended login's, never the new one's.
   */
  sync(since?: number): Promise<void> | undefined {
    const role = this.#role;
    if (role.kind !== 'relay') return undefined;
    // A tab without a cursor that opened before the hub's `since` (`HubApi.open`).
    if (since !== undefined) role.peer.openedSince(since, this.env.clock.now());
    role.peer.sync();
    if (!this.#known.promise) this.#known.start(KNOWN_WITHIN);
    return this.#known.promise;
  }

  /**
   * After a logout this hub relayed: a promise that resolves once the owner said the login
   * closed, which it does on hearing the logout, or once the owner lock is this hub's (no
   * other hub owns the socket then), or after `KNOWN_WITHIN` ms (the owner died, is of
   * another relay version, or this hub no longer hears its channel). Until then the owner
   * may still pass the login's pushes to other hubs' tabs. Undefined when nothing waits.
   */
  get loggingOut(): Promise<void> | undefined {
    return this.#ends.waits.last;
  }

  /** Where the session stands, as this hub knows it. */
  get cursor(): SessionCursor | undefined {
    const role = this.#role;
    if (role.kind === 'relay') return role.peer.cursor;
    return role.kind === 'owner' ? role.socket.connection.cursor : undefined;
  }

  /** The cursor this hub's tabs were told (`RelayPeer.told`): an open's answer carries it. */
  get toldCursor(): SessionCursor | undefined {
    const role = this.#role;
    return role.kind === 'relay' ? role.peer.told : this.cursor;
  }

  /** What the server takes: as the socket learnt it, or the `limits` option while relaying. */
  get limits(): Limits {
    const role = this.#role;
    return role.kind === 'owner' ? role.socket.connection.limits : this.options.limits;
  }

  get queued(): number {
    const role = this.#role;
    if (role.kind === 'relay') return role.peer.queued;
    return role.kind === 'owner' ? role.socket.connection.queued : 0;
  }

  /**
   * Joins the queue for the socket (or takes it, where there is no relay): a new login for
   * this hub's tabs (`started`). Live: nothing (`joined`), but the hub learns what
   * `resumeFrom` says of the session (`WireLink.learn`), and a hub still joining joins
   * again from a tab's cursor further back. `since`: when the tab opened, with no cursor
   * (`HubApi.open`), for the relay this starts.
   */
  start(cursor?: SessionCursor, intent?: OpenIntent, since?: number): 'started' | 'joined' {
    // A cursor of a session this hub's logout ended (a reloaded page's) is of no login now.
    const resumeFrom = cursor && !this.#ends.sessions.has(cursor.session) ? cursor : undefined;
    const role = this.#role;
    if (role.kind === 'relay') {
      if (resumeFrom) {
        // First: `learn` takes the cursor as the hub's own when it had none.
        role.peer.resumeFrom(resumeFrom);
        role.peer.learn(resumeFrom);
      }
      return 'joined';
    }
    if (role.kind === 'owner' && !role.socket.dormant) {
      if (resumeFrom) role.socket.learn(resumeFrom, intent === 'rejoin');
      return 'joined';
    }
    this.#ends.startLogin();
    // Not from a cursor where the lock is kept (below): that one is of the login that ended.
    this.#from = resumeFrom;
    const { locks, openChannel } = this.env;
    const keeps = role.kind === 'owner' || (role.kind === 'keeper' && role.granted);
    if (keeps && this.#ends.logout && locks && openChannel) {
      // A logged-out owner's own next login takes the socket on, the lock kept: let go, the
      // lock went to a hub queued with a cursor of the login that ended (a page reloaded in
      // its instant, a hub that took over with no cursor), which, having heard no owner,
      // resumed it (search 44503), or to a hub that learnt it from a rejoin (reviews 23a,
      // 23f). Kept, no hub owned the socket since the logout: a cursor of another session
      // than this login's, a tab's now or a rejoin's later, is of the login that ended
      // (`OwnedSocket`'s learn, as this login began after the logout); and the hubs queued
      // follow this login, whose announcement says `afterLogout` (and so do theirs, should
      // they take the lock: they too leave such a cursor).
      // So does a keeper's that holds the lock (review 25d): the hub queued next may be
      // such a page's, which hears neither this hub's join nor its `leaving` in time.
      this.#ends.letGo();
      this.#from = undefined;
      let release: () => void;
      if (role.kind === 'owner') release = role.socket.dispose(undefined, false, true);
      else {
        release = role.granted as () => void;
        role.channel.onmessage = null;
        role.channel.close();
      }
      const channel = this.#openChannel(openChannel);
      this.#own(undefined, undefined, release, { channel, login: this.env.nextLogin() });
      return 'started';
    }
    // A keeper still queued keeps its place for this login's relay (review 25d): at the back
    // of the queue, the lock could go to a hub queued since with a cursor of the login that
    // ended (a page reloaded in its instant), which, hearing neither the owner's `leaving`
    // nor this hub's on lagging channels, would resume it. Its `leaving` still goes out.
    const place = role.kind === 'keeper' ? role.stop : undefined;
    this.#letGo(undefined, place);
    if (!locks || !openChannel) {
      this.#own(undefined, resumeFrom, () => {});
      return 'started';
    }
    const channel = this.#openChannel(openChannel);
    const peer = new RelayPeer(
      channel,
      this.env.hubId,
      this.env.build,
      this.options.url,
      this.#heard,
      resumeFrom,
      intent,
      this.#ends.sessions.list(),
      this.env.nextLogin(),
      // A tab's open past this hub's clock was made before the clock stepped back: as read
      // (`before`), it is before the hub began.
      since ?? this.env.clock.now(),
    );
    const stop = place ?? new AbortController();
    const relaying: Relaying = { kind: 'relay', peer, channel, stop, granted: undefined };
    this.#role = relaying;
    this.#known.start(KNOWN_WITHIN);
    peer.setTopics(this.#topics);
    if (place) return 'started';
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    locks
      .request(ownerLockName(this.options.name), { signal: stop.signal }, () => {
        // The relay or keeper that holds this place now: this login's, or the next one's.
        const role = this.#role;
        if (role.kind === 'relay' && role.stop === stop) this.#take(role, release);
        else if (role.kind === 'keeper' && role.stop === stop) {
          role.granted = release;
          // No hub owns the socket while this one holds the lock: nothing of the login is
          // passed on any more, whether or not the owner's word comes.
          this.#ends.waits.settleAll();
        }
        // Granted after this hub stopped waiting: let go at once.
        else return undefined;
        return held;
      })
      // Aborted (this hub stopped relaying) or refused: nothing holds, nothing to do.
      .catch(() => {});
    return 'started';
  }

  /**
   * Whether this login was made after a logout made `at`, posted again by a hub that died
   * (`Hub.close`, `logOutElsewhere`), and is on another session than the one it ended (nor
   * the one it started from, review 25j: the server may have moved it on here): that logout
   * ended another login (review 24e). Never for a logout that says no time or no session.
   * Dates of two pages, read as this hub's clock stands (`before`: one read before a step
   * back comes first). Nor for a login that started from a session the server moved a login
   * onto (`epoch`): the tab that logged out may not have heard of it (review 25q: a page
   * reloaded in the logout's instant, whose open beat the close).
   */
  isAfter(at: number | undefined, session: string | undefined): boolean {
    return (
      before(at as number, this.began, this.env.clock.now()) &&
      !this.#from?.epoch &&
      !this.owns(session)
    );
  }

  /**
   * Whether `session` is this login's: the one it is on, or the one it started from. None
   * (an older tab's close) names no other login's.
   */
  owns(session: string | undefined): boolean {
    return (
      session === undefined || session === this.#from?.session || session === this.cursor?.session
    );
  }

  /** Where a tab's send enters, whatever the role: past `refuseSend`, nothing refuses it for the limit. */
  send(data: SocketData, numbering?: Numbering): Promise<void> {
    const role = this.#role;
    // A hub that carries no send (its login never started, or it let go) is closed to them.
    const carries = role.kind === 'relay' || role.kind === 'owner';
    const state = carries || hasEnded(this.state) ? this.state : 'closed';
    // A re-post (written by a worker that died: its id kept, or named) was let in once: a
    // refusal now would say "not delivered" of a send the app may have (review 18g). Those
    // of a dead worker are at most a limit's worth: a second one bounds them (review 18h).
    const repost = numbering?.id !== undefined || numbering?.was !== undefined;
    const { outboxLimit = Number.POSITIVE_INFINITY } = this.options;
    const full = refuseSend(state, this.queued, repost ? 2 * outboxLimit : outboxLimit);
    // Past it, a re-post may have reached the app all the same: "unconfirmed" (review 18i).
    const refusal =
      repost && full instanceof OutboxFullError
        ? new UnconfirmedSendError(`${full.message}; the server may have it`)
        : full;
    if (role.kind === 'relay' && !refusal) return role.peer.send(data, numbering);
    if (role.kind === 'owner' && !refusal) return role.socket.connection.send(data, numbering);
    return Promise.reject(refusal);
  }

  /** A relay channel of this login's own, its messages heard by `#receive`. */
  #openChannel(open: (name: string) => RelayChannelPort): RelayChannelPort {
    const channel = open(relayChannelName(this.options.name));
    channel.onmessage = (event) => this.#receive(event.data as RelayMessage);
    return channel;
  }

  /**
   * A tab logged out of `session` through a hub that died (`Hub.close`): no login here
   * resumes it. Not this hub's own logout: it never held the lock for that login, so its next
   * login claims no start after it (review 24e).
   */
  endedElsewhere(session: string): void {
    this.#ends.sessions.add(session, true);
  }

  /**
   * Closes for every hub (logout, a new url), or, `released`, for this hub's tabs only: an
   * owner with peers then hands the socket over instead of closing the session.
   */
  close(code: number, closeReason: string, reason: TransitionReason): void {
    const role = this.#role;
    if (reason === 'logout') {
      this.#ends.keep({ code, closeReason });
      const session = this.cursor?.session;
      if (session !== undefined) this.#ends.sessions.add(session, true);
      if (role.kind === 'owner') this.#endSessionsOf(role);
    }
    if (role.kind === 'owner') {
      role.socket.close(code, closeReason, reason);
      // A logout keeps the lock (dormant); this hub leaving, or its new login, lets go.
      if (reason === 'released' || reason === 'replaced') this.#letGo();
      return;
    }
    if (role.kind === 'keeper') {
      if (reason === 'released' || reason === 'replaced') this.#letGo();
      return;
    }
    if (role.kind !== 'relay') return;
    const { peer } = role;
    const following = peer.status.state !== 'idle';
    if (reason === 'replaced' && following) {
      // The owner closes it for every hub, this one too; meanwhile this hub stops queueing,
      // or the lock could come to it before the owner's word does, for a login that ended.
      role.stop.abort();
      role.granted?.();
      role.granted = undefined;
      peer.close(code, closeReason, reason);
      // This hub's tabs leave the login now, as an owner's do (its socket closes at once):
      // the tabs still on the old url hear it end (review 15). Until the owner's word, its
      // pushes and states are the old url's: not for the tabs, which opened the new one
      // (review 10).
      this.#final = { ...peer.status, state: 'closed' };
      this.#heard.state(this.#final, { from: peer.status.state, reason, code });
      this.#heard.detach();
      return;
    }
    // A logout: the owner closes the socket, and every hub that follows it closes on
    // hearing this (see #receive), so none takes the lock for it should the owner die first.
    // Also before this hub heard the owner: its join went first, so the owner hears both.
    if (reason === 'logout') {
      peer.close(code, closeReason, reason);
      this.#keep(role, code);
      return;
    }
    if (reason === 'released') peer.leave();
    this.#closeHere(role, code, reason);
  }

  setOnline(online: boolean): void {
    this.#online = online;
    const role = this.#role;
    if (role.kind === 'owner') role.socket.connection.setOnline(online);
  }

  /** The topics of this hub's tabs; an owner adds its peers' before telling the server. */
  setTopics(topics: readonly string[]): void {
    this.#topics = topics;
    const role = this.#role;
    if (role.kind === 'relay') role.peer.setTopics(topics);
    else if (role.kind === 'owner') role.socket.setTopics(topics);
  }

  /**
   * The lock came to this hub. The owner it follows let go of it: it died, handed the
   * socket over, or its login ended (a logout, then a new login woke it). Its last word on
   * the channel may come after the lock, so this hub resumes the session only once it heard
   * the owner leave, or the owner died (its lifetime lock is free); a logout heard first
   * ends the login here too (`#receive`), and the lock goes to the next hub.
   */
  #take(relaying: Relaying, release: () => void): void {
    const owner = relaying.peer.owner;
    const { locks } = this.env;
    if (owner === undefined || !locks) {
      this.#own(relaying, relaying.peer.cursor, release);
      return;
    }
    relaying.granted = release;
    locks
      .request(hubLockName(owner), { mode: 'shared', signal: relaying.stop.signal }, () => {
        if (this.#role === relaying) this.#own(relaying, relaying.peer.cursor, release);
      })
      // Aborted: this hub took the socket on the owner's word, or stopped relaying.
      .catch(() => {});
  }

  #own(
    relaying: Relaying | undefined,
    cursor: SessionCursor | undefined,
    release: () => void,
    /** Of a login that took the socket on with the lock its logout kept (see `start`). */
    kept?: { channel: RelayChannelPort; login: number },
  ): void {
    // The socket is this hub's: no other hub passes a logged-out login's pushes on now.
    this.#ends.waits.settleAll();
    const sends = relaying?.peer.takeSends() ?? [];
    const channel = relaying?.channel ?? kept?.channel;
    relaying?.peer.tellUntold();
    relaying?.stop.abort();
    const socket = new OwnedSocket(this.options, this.env, this.#heard, channel, release, {
      cursor,
      sends,
      topics: this.#topics,
      online: this.#online,
      loggedOut: this.#ends.sessions,
      afterLogout: () => this.#ends.afterLogout,
    });
    this.#role = {
      kind: 'owner',
      socket,
      channel,
      predecessor: relaying?.peer.owner,
      tookOn: cursor?.session,
      tookTabsCursor: relaying ? relaying.peer.tabsCursor : cursor,
      login: relaying?.peer.login ?? kept?.login,
    };
    const declined = relaying?.peer.declinedFresh;
    if (declined !== undefined && cursor) this.#heard.supersede(declined, cursor);
    // The peers of the last owner are this one's only once they join it.
    this.#heard.builds(socket.builds);
    this.#known.settle();
  }

  #receive(message: RelayMessage): void {
    if (message?.v !== RELAY_VERSION) return;
    if (message.kind === 'close' && this.isAfter(message.at, message.session)) return;
    if (message.kind === 'leaving') this.#heardLeaving(message);
    // A login that began after a logout names the sessions that logout ended: no login here
    // resumes one, though this hub never follows that owner (its join lost, or the owner's
    // hub died before it read it, review 25i), nor heard the logout (its word lagging).
    const ended = (message.kind === 'owner' && message.ended) || [];
    for (const session of ended) this.#ends.sessions.add(session, false);
    // The owner closed the login this hub's tab logged out of: heard by this hub in any
    // role, as its next login's channel hears it too.
    if (isLogout(message)) this.#ends.waits.heard(message.session);
    const role = this.#role;
    if (role.kind === 'owner' && !role.socket.dormant) {
      // The answer to this hub's join without a cursor, from an owner that died before the
      // lock came here (`HeardStream.answeredLate`).
      const answer = message.kind === 'owner' && message.joined === this.env.hubId;
      if (answer && message.since !== undefined) this.#heard.answeredLate(message.cursor);
      // Taken the lock before it: while no resume went out, a session of its own instead.
      if (ended.length) role.socket.connection.leave(ended);
      if (!isOwnerMessage(message)) {
        role.socket.receive(message);
        if (message.kind === 'close' && role.socket.dormant) {
          // A peer's new login, to another url, replaced this one: it waits for the lock,
          // which no join of it will come to wake this hub for (review 9), so this hub lets
          // go now, as on a `replaced` of its own.
          if (message.reason === 'replaced') this.#letGo();
          // A peer's logout: this hub keeps the lock for the login that ended, as for its own.
          else {
            this.#ends.keep({ code: message.code, closeReason: message.closeReason });
            this.#endSessionsOf(role);
          }
        }
      } else if (
        isLogout(message) &&
        this.#ends.endsLogin(
          message,
          role.predecessor,
          [role.tookOn, this.cursor?.session],
          this.cursor?.session,
        )
      ) {
        // The owner this hub took over from died after its tab logged out: its word came
        // after the lock, and the login ends here too, or this hub would resume it. With
        // the lock before any word of an owner, the word is of the owner this hub did not
        // hear yet: an owner's word that reaches this hub now was posted before the lock came
        // here, and after this hub opened its channel for this login (a channel hears nothing
        // posted before it was made: each login of a hub opens its own), so it ends the login
        // this hub joined, never an earlier one; unless it names a session this hub's own
        // logout ended: then it is the owner's echo of that logout, which this hub's tab
        // followed at once with a new login (seed 3071), and this login goes on. The word of
        // an earlier owner than the one this hub took over from ends it too, when it names
        // the session this hub took the socket on (review 7). A peer's login that began
        // after the word (a new login's hub woke the dormant owner) goes on: it takes the
        // socket, and only this hub's tabs close.
        const { code = 1000, closeReason = '' } = message.detail;
        const session = message.session ?? role.socket.connection.cursor.session;
        if (!this.#handOverAfterLogout(role, code, closeReason, session)) {
          this.close(code, closeReason, 'logout');
        }
      }
      return;
    }
    if (role.kind === 'owner' || role.kind === 'keeper') {
      if (message.kind === 'join') this.#answerEnded(role.channel, message);
      return;
    }
    if (role.kind !== 'relay') return;
    if (!isOwnerMessage(message)) {
      // Another hub's tab logged out of the login this hub follows (or continues, after
      // its worker died): it ends here too now, not on the owner's word, which never comes
      // if the owner dies first.
      if (
        message.kind === 'close' &&
        message.reason === 'logout' &&
        (role.peer.status.state !== 'idle' || role.peer.intent === 'rejoin')
      ) {
        this.#closeHere(role, message.code, 'logout');
      }
      return;
    }
    if (
      isLogout(message) &&
      message.from !== role.peer.owner &&
      this.#ends.endsLogin(
        message,
        role.peer.owner,
        [role.peer.cursor?.session],
        this.cursor?.session,
      )
    ) {
      // The word of an owner before the one this hub follows, late behind that one's
      // announcement (a lock and a channel race): it ends this hub's login all the same, or
      // this hub would take the socket for it once the owner it follows hands over (review 7).
      this.#closeHere(role, message.detail.code ?? 1000, 'logout');
      return;
    }
    const on = role.peer.cursor?.session;
    if (
      message.kind === 'owner' &&
      message.afterLogout &&
      ((message.joined === '' && message.from === role.peer.owner) ||
        (on !== undefined &&
          ended.includes(on) &&
          (role.peer.status.state !== 'idle' || role.peer.intent === 'rejoin')) ||
        (role.peer.owner === undefined && this.began < (message.afterLogout as number)))
    ) {
      // The owner this hub follows took the socket on for its next login, after a logout:
      // the login followed ended, though the word of it may come later on its own lagging
      // channel (review 24g). Followed, the next user's pushes would reach its tabs. So for
      // a hub that follows none yet (its join lost, or read by no owner), whose login began
      // before that logout (review 24i): it is of the login that ended. So for a login still
      // on a session the announcement names ended (review 25i: the logged-out login's own
      // next one, or a keeper's, took the socket on, and the word lags or never comes).
      this.#closeHere(role, 1000, 'logout');
      return;
    }
    if (message.kind === 'owner' && message.url !== this.options.url) {
      // Another login owns the socket: this hub's tabs logged in anew, so it makes way.
      if (!this.#replaced.has(message.from)) {
        this.#replaced.add(message.from);
        role.peer.close(1000, '', 'replaced');
      }
      return;
    }
    // With the lock here, no other hub owns the socket: another hub's announcement heard now
    // was posted before the lock came, late on a lagging channel (an owner that died before
    // the one this hub follows took over). Followed, it would stall this hub, which waits for
    // the word or death of the owner it followed as the lock came (`#take`), and the hubs of
    // the next login queued behind it (review 20c).
    if (role.granted && message.kind === 'owner' && message.from !== role.peer.owner) return;
    role.peer.receive(message);
    // Following an owner whose login began after a logout, this login did too.
    if (message.kind === 'owner' && message.afterLogout && role.peer.following) {
      this.#ends.followsAfterLogout(message.afterLogout);
    }
    if (hasEnded(role.peer.status.state)) {
      // The owner closed it for every hub: this one stops queueing for the socket. It leaves
      // the owner too: the sends it posted that the owner did not number are told `closed`
      // (never written), and the owner's hub, should its tab log in again, takes this hub's
      // join or sends still on their way for its new login's (seed 4302).
      role.peer.leave();
      this.#letGo();
      return;
    }
    // The owner told the state, or answered this hub's last join: `open` may answer.
    if (role.peer.known) this.#known.settle();
    // The owner this hub follows left after the lock came here: the session is this hub's.
    if (role.granted && role.peer.owner === undefined && this.#role === role) {
      this.#own(role, role.peer.cursor, role.granted);
    }
  }

  /** An owner let go of the lock: what it says ended ends here too (`LoginEnds.heardLeaving`). */
  #heardLeaving(leaving: Extract<RelayMessage, { kind: 'leaving' }>): void {
    const role = this.#role;
    const here =
      role.kind === 'relay'
        ? { cursor: role.peer.tabsCursor, login: role.peer.login }
        : role.kind === 'owner'
          ? { cursor: role.tookTabsCursor, login: role.login }
          : undefined;
    const sessions = this.#ends.heardLeaving(leaving, here, this.env.hubId);
    // Taken the lock before this word came: while no resume went out, it begins a session
    // of its own instead (`WireLink.leave`).
    if (role.kind === 'owner' && !role.socket.dormant) role.socket.connection.leave(sessions);
  }

  /**
   * An owner's login ended by a logout (its tab's or a peer's): its session and those of
   * the cursors its peers joined with end with it. A page whose hub kept its tabs' cursor
   * over this owner's session, and whose next worker brings it back, must not have it
   * resumed (reviews 14, 16).
   */
  #endSessionsOf({ socket }: Owner): void {
    for (const session of socket.loginSessions) this.#ends.sessions.add(session, false);
  }

  /**
   * A logout that came late ended the login of `session`: a peer's login that began after
   * it gets the socket (`OwnedSocket.handOverAfterLogout`), and this hub lets go. Whether it
   * handed over.
   */
  #handOverAfterLogout(role: Owner, code: number, closeReason: string, session: string): boolean {
    if (!role.socket.handOverAfterLogout(session, code, closeReason)) return false;
    this.#ends.sessions.add(session, false);
    this.#letGo();
    return true;
  }

  /**
   * A join reached this hub while it keeps the lock (or its place) for a login that ended.
   * A hub whose tabs continue a login (their worker died) may not have heard the logout: it
   * hears it now, and ends too. A new login's join wakes this hub: it makes way.
   */
  #answerEnded(
    channel: RelayChannelPort | undefined,
    join: Extract<RelayMessage, { kind: 'join' }>,
  ): void {
    const { logout } = this.#ends;
    if (join.intent !== 'rejoin' || !logout || !channel) {
      // The cursor a new login brings to a hub that keeps the lock (or its place) since its
      // logout is a page's that reloaded in the instant of the logout: of a login that
      // ended, which this hub may never have known (a keeper still queued for the lock,
      // review 14). The next owner leaves it (seed 4102).
      this.#letGo(logout ? join.cursor?.session : undefined);
      return;
    }
    const { hubId } = this.env;
    channel.postMessage({
      v: RELAY_VERSION,
      from: hubId,
      kind: 'close',
      ...logout,
      reason: 'logout',
    });
  }

  /** This hub's tab logged out while it relayed: its tabs close, and it keeps its place. */
  #keep(relaying: Relaying, code: number): void {
    const { peer, channel, stop, granted } = relaying;
    peer.rejectClosed('logout', 'here');
    this.#final = { ...peer.status, state: 'closed' };
    this.#role = { kind: 'keeper', channel, stop, granted };
    this.#known.settle();
    // With the lock here already, no hub owns the socket: there is nothing to wait for.
    if (!granted) this.#ends.waits.start(peer.cursor?.session);
    this.#heard.state(this.#final, { from: peer.status.state, reason: 'logout', code });
  }

  /** Closes the connection for this hub's tabs: it stops queueing, its sends reject. */
  #closeHere({ peer }: Relaying, code: number, reason: TransitionReason): void {
    this.#letGo();
    peer.rejectClosed(reason, 'here');
    this.#final = { ...peer.status, state: 'closed' };
    this.#heard.state(this.#final, { from: peer.status.state, reason, code });
  }

  /**
   * Leaves the lock (or its queue) and the channel; the status stays what it was. An owner's
   * `leaving` names `ended`, a session the next owner must not resume. `place`: a keeper's
   * place in the queue, kept for this hub's next login (`start`).
   */
  #letGo(ended?: string, place?: AbortController): void {
    const role = this.#role;
    this.#known.settle();
    const loggedOut = this.#ends.letGo(ended);
    if (role.kind === 'idle') return;
    if (role.kind === 'relay' || role.kind === 'keeper') {
      if (role.kind === 'keeper') {
        // A keeper is ahead in the lock's queue of every login that began after its logout:
        // a cursor such a login's tabs alone brought is of the login that ended, also when
        // this hub's own next login lets go first (review 16). A keeper kept its place since
        // its logout: it always says `loggedOut`. (Not: the sessions owners announced since,
        // of a hub ahead of it whose join the logged-out owner never read, review 17: the
        // logged-out login's own owners announce too, and one that dies before its logout
        // word is told from no other, reviews 20b and 20e.)
        role.channel.postMessage({
          v: RELAY_VERSION,
          from: this.env.hubId,
          kind: 'leaving',
          ended,
          loggedOut: { logins: [], sessions: this.#ends.sessions.list() },
        });
      }
      if (role.stop !== place) role.stop.abort();
      role.granted?.();
      role.channel.onmessage = null;
      role.channel.close();
      if (role.kind === 'relay') this.#final = role.peer.status;
    } else {
      role.socket.dispose(ended, role.socket.dormant && loggedOut);
      this.#final = role.socket.status;
    }
    this.#role = { kind: 'idle' };
  }
}

/**
 * A tab's logout that reached a hub with no login of its name: the hub it went to died as it
 * logged out, and the tab posted it again to its fresh one (`HubClient.close`). The dead hub
 * may or may not have told the owner: this one tells it, and every hub that relays, again;
 * and answers, as a relaying hub's logout does (`SharedConnection.loggingOut`), once an
 * owner said it closed a login, or after `KNOWN_WITHIN` ms. Until then an owner may still
 * pass the login's pushes to other hubs' tabs. Undefined where there is no relay.
 */
export function logOutElsewhere(
  { openChannel, clock }: Pick<RelayEnvironment, 'openChannel' | 'clock'>,
  from: string,
  name: string,
  code: number,
  closeReason: string,
  session: string | undefined,
  at: number | undefined,
): Promise<void> | undefined {
  const channel = openChannel?.(relayChannelName(name));
  if (!channel) return undefined;
  const word = new AnswerWait(clock);
  word.start(KNOWN_WITHIN);
  channel.onmessage = ({ data }) => {
    if (data?.v === RELAY_VERSION && isLogout(data)) word.settle();
  };
  channel.postMessage({
    v: RELAY_VERSION,
    from,
    kind: 'close',
    code,
    closeReason,
    reason: 'logout',
    session,
    at,
  });
  return word.promise?.then(() => channel.close());
}

/** Whether a login in `state` ended: closed or failed. */
function hasEnded(state: ConnectionState): boolean {
  return state === 'closed' || state === 'failed';
}
