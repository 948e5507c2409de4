/**
 * The hub ↔ hub relay protocol, on the BroadcastChannel `relayChannelName(name)` of one
 * connection. Types only, as `tab-hub.ts` and `wire.ts`, apart from the version number.
 *
 * The hub holding the Web Lock `ownerLockName(name)` owns the socket; the others (another
 * build's SharedWorker, the hubs of other tabs where SharedWorker is missing) are its
 * peers. A peer joins, tells its topics, hands its sends over and hears what the tabs
 * hear: the owner's events are the tab events of `tab-hub.ts`, so tabs of a peer see the
 * same frames, states and errors as the owner's own tabs.
 *
 *   peer ── join(build, url, topics, cursor?, ask?) ──▶ owner ── owner(joined, asked, state, cursor, …) ──▶ every peer
 *                                                owner ── event(frames | resync, to: peer) ──▶ that peer
 *   peer ── send(id, data, wire?, session?, origin?, before?, heard?, confirms?) ──▶ owner ── numbered(id, wire, session, awaits?, before?), settled(id) ──▶ peer
 *   peer ── holds(id, wire, session) ──▶ owner   (answers a `numbered` that awaits it: the owner writes the send then)
 *   owner ── state / event(frames, cursor, error, resync, builds) ──▶ every peer
 *   owner ── leaving ──▶ every peer   (it hands the socket over; the next in the lock queue resumes)
 *
 * Every message carries `v`: hubs of the same `RELAY_VERSION` interoperate, whatever their
 * build; a message of another version is ignored, and the hub that sees one tells its tabs
 * (the `builds` event) so the app can suggest a reload.
 */
import type { Transport } from './connection-options';
import type { SerializedError } from './errors';
import type { ConnectionState, StateDetail } from './state';
import type { OpenIntent, SessionCursor, SocketData, TabEvent, WireId } from './tab-hub';

export const RELAY_VERSION = 1;

/** A hub's login (`PeerMessage.login`; none from peers of earlier releases). */
export interface LoginOfHub {
  hub: string;
  login?: number | undefined;
}

/** A login a logout ended, as its owner knew it: the hubs' logins that had joined it, and the other sessions their cursors named. */
export interface EndedLogin {
  logins: LoginOfHub[];
  sessions: string[];
}

interface Envelope {
  v: number;
  /** The sending hub's id (`hubLockName(from)` is held for its whole life). */
  from: string;
}

/** What the owner tells about the connection, with every announcement and state change. */
export interface OwnerStatus {
  state: ConnectionState;
  generation: number;
  failedAttempts: number;
  /** The transport of the owner's socket. Missing from an owner of an older build. */
  transport?: Transport;
}

export type OwnerMessage = Envelope &
  (
    | /** It holds the lock: on taking it, and in answer to every join. */ {
        kind: 'owner';
        build: string;
        url: string;
        status: OwnerStatus;
        cursor: SessionCursor;
        /**
         * The hub whose join this answers ('' on taking the lock). A peer's stream starts
         * here: the owner's pushes before are in the catch-up it sends that peer next.
         * Owners of earlier releases leave it out; their peers follow from the first `owner`.
         */
        joined?: string;
        /** The `ask` of the join this answers: a peer follows from the answer to its last. */
        asked?: number | undefined;
        /**
         * Its login began after a logout in this browser (its hub's own, or one whose owner
         * left the lock to it): no session began since but its own or its successors'. A
         * cursor of another session that a hub's tabs alone brought is of a login that ended.
         * A time (`Date.now()`): when that logout was made, where it was its hub's own: a hub
         * that heard no owner yet and whose login began before it is of a login that ended.
         */
        afterLogout?: true | number | undefined;
        /**
         * With `afterLogout`: the sessions its hub knows logouts ended (`LoginEnds.sessions`).
         * A hub that hears it, answered or not, resumes none of them; one whose login is still
         * on one (the logout's word lagging, or never posted: the logged-out login's own next
         * one took the socket on) ends that login, as on the word. Owners of earlier releases
         * leave it out; hubs of earlier releases ignore it.
         */
        ended?: string[] | undefined;
        /**
         * The `since` of the join this answers: the catch-up that follows holds the pushes
         * the owner heard since then, and `cursor` stands before the first of them.
         */
        since?: number;
        /**
         * The join this answers named a cursor of another session, and the catch-up that
         * follows is a `resync` (`missesOther`): the peer tells its tabs `cursor`'s session
         * with it, in one task (a page reloaded between the two keeps its cursor, and is
         * owed the resync); `false`: it tells them at once. Said in every answer to a join
         * with a cursor; owners of earlier releases leave it out, and the peer judges by
         * the same rule itself.
         */
        resyncs?: boolean | undefined;
      }
    | {
        kind: 'state';
        status: OwnerStatus;
        detail: StateDetail;
        /**
         * The session the connection was on: a logout's word names the session it ended, so
         * that a hub whose own logout ended it already takes the word for no word on the
         * login it began since. Owners of earlier releases leave it out.
         */
        session?: string;
      }
    /**
     * What the owner's tabs hear; with `to`, for that peer only (the pushes it missed). A
     * `resync` of what the session lost before the socket opened (`past`) is not for the
     * peers it `spares`: the owner told them `resync` for their join since that socket opened.
     */
    | {
        kind: 'event';
        event: TabEvent;
        to?: string;
        spares?: string[];
        /**
         * Of a `resync` catch-up: when the owner last heard the stream go on, a push or a
         * gap (its `Clock`, one for the browser). A tab of the peer that opened without a
         * cursor after that missed nothing the verdict covers.
         */
        heardTo?: number;
      }
    /**
     * Peer `to`'s send `id` is written under message id `wire` of `session`: kept for a
     * handover. (Owners of earlier releases name no session: it is the one they told last.)
     * `awaits`: not written yet; the owner writes it once the peer answers `holds`, so that
     * a peer that takes the socket as this owner dies writes it under the same id.
     * `before`: the sessions it was written in before (`WireId.before`), for the peer's tab.
     */
    | {
        kind: 'numbered';
        to: string;
        id: number;
        wire: number;
        session?: string;
        awaits?: true | undefined;
        before?: WireId[] | undefined;
        /** The peer's login that posted the send (`PeerMessage.login`): each numbers from 1. */
        login?: number | undefined;
      }
    /** Peer `to`'s send `id` is done: acknowledged (or written), or refused with `error`. */
    | {
        kind: 'settled';
        to: string;
        id: number;
        error?: SerializedError;
        /** As `numbered`'s: the answer is that login's only. */
        login?: number | undefined;
      }
    /**
     * It lets go of the socket without closing the session: the next hub resumes it; unless
     * it names the session a late logout word ended (`ended`), which the next owner leaves.
     * `loggedOut`: it kept the lock since its logout, so no session began since; the login
     * it logged out of, with the logins of the hubs that had joined it and the sessions of
     * their cursors (a page's it never took up, whose worker may come back with it). Another
     * hub's cursor that its tabs alone brought (a page reloaded in the instant of the
     * logout) is of a login that ended.
     */
    | {
        kind: 'leaving';
        ended?: string | undefined;
        loggedOut?: EndedLogin | undefined;
      }
  );

export type PeerMessage = Envelope & {
  /**
   * Numbers the sending hub's logins (each opens a channel of its own, and one channel's
   * messages may reach the owner after another's): the owner takes no message of a login
   * older than the last it heard from that hub. Peers of earlier releases leave it out.
   */
  login?: number;
} /** `cursor`: where the peer's stream stands, so the owner hands it the pushes it missed. */ & (
    | {
        kind: 'join';
        build: string;
        url: string;
        topics: string[];
        cursor?: SessionCursor | undefined;
        /**
         * Numbers the peer's joins: it joins again when a tab brings a cursor further back,
         * and when a tab opens without one (the answer comes after all the owner posted before).
         */
        ask?: number;
        /**
         * `rejoin`: its tabs continue a login they held before (their worker died), which
         * may have ended meanwhile; absent, a new login (or a peer of an earlier release).
         */
        intent?: OpenIntent;
        /**
         * Sessions this hub's logouts ended: an owner still on one of them, no resume of it
         * written yet (a cursor of the ended login reached it, as a reloaded page's when the
         * owner died in the logout's instant, and the server never heard the logout), goes
         * on under a session of its own. Peers of earlier releases leave it out.
         */
        ended?: string[];
        /**
         * Of a join without a cursor: when (`Date.now()`, one clock for the whole browser)
         * this hub began the login, its tabs open since. The owner's catch-up then holds
         * the pushes it heard since, and its answer says so. Peers of earlier releases
         * leave it out: their stream starts at the answer.
         */
        since?: number;
      }
    | { kind: 'topics'; topics: string[] }
    /**
     * For owner `to` only: a send posted to an owner that died meanwhile must not be
     * written by the next one too, as the peer hands its unsettled sends to that one
     * itself. `wire` when an earlier owner wrote it under that id of `session`: the owner
     * keeps the id while it is on that session. (Peers of earlier releases name no session.)
     * `origin`: the tab that made it and its number for it (`<tab id>:<number>`), which
     * outlive the peer: a tab whose hub died posts it again through its fresh hub under the
     * same origin. `before`: the sessions it was written in before `wire`'s, oldest first
     * (`WireId.before`): the owner names them as it does its own tabs' (review 18d); a `wire`
     * of another session than the owner's is named too. `heard`: the peer's sends whose
     * `numbered` it read since it last sent one (their tabs know their ids): the owner, which
     * keeps the id of each send of an origin it wrote until then, forgets them. `confirms`: the peer answers a `numbered`
     * that awaits it (`holds`); peers of earlier releases do not, and the owner writes
     * their sends at once.
     */
    | {
        kind: 'send';
        to: string;
        id: number;
        data: SocketData;
        wire?: number | undefined;
        session?: string | undefined;
        origin?: string | undefined;
        before?: WireId[] | undefined;
        heard?: number[];
        confirms?: true;
      }
    /** For owner `to`: this peer holds the id `numbered` gave its send `id` (`awaits`). */
    | { kind: 'holds'; to: string; id: number; wire: number; session: string }
    /**
     * Logout (or a new login, `replaced`) from one of the peer's tabs. A tab's logout posted
     * again by a hub that holds no login of the name (`logOutElsewhere`) names the session of
     * the tab's cursor and when the tab made it (`HubApi.close`): a login made after it on
     * another session goes on.
     */
    | {
        kind: 'close';
        code: number;
        closeReason: string;
        reason: 'logout' | 'replaced';
        session?: string | undefined;
        at?: number | undefined;
      }
    /** The peer has no tab on the connection any more. */
    | { kind: 'leave' }
  );

export type RelayMessage = OwnerMessage | PeerMessage;

/** A message as its sender writes it: the envelope is added on posting. */
export type RelayBody<M extends RelayMessage> = M extends unknown ? Omit<M, 'v' | 'from'> : never;

const OWNER_KINDS: ReadonlySet<string> = new Set<OwnerMessage['kind']>([
  'owner',
  'state',
  'event',
  'numbered',
  'settled',
  'leaving',
]);

/** Whether a message of the channel comes from an owner (else from a peer). */
export function isOwnerMessage(message: RelayMessage): message is OwnerMessage {
  return OWNER_KINDS.has(message.kind);
}
