import type { ResolvedConnectionOptions } from '../../protocol/connection-options';
import {
  type OwnerMessage,
  type OwnerStatus,
  type PeerMessage,
  RELAY_VERSION,
} from '../../protocol/relay';
import type { TransitionReason } from '../../protocol/state';
import type { SessionCursor } from '../../protocol/tab-hub';
import type { RelayChannelPort, RelayEnvironment } from '../platform';
import { Connection } from '../socket/connection';
import type { HeardStream } from './heard-stream';
import { RelayOwner } from './relay-owner';
import type { RelayedSend } from './relay-peer';
import { refuseSend } from './send-gate';
import { numberingUnder } from './tab-send';

/**
 * The socket of a connection while this hub holds its owner lock: the `Connection`, served
 * to this hub's tabs and, through a `RelayOwner`, to its peers: the connection tells
 * the hub's `HeardStream`, which tells both. Serving while the connection lives; `dormant`
 * once it closed or failed, when it keeps the lock (see `SharedConnection`) and tells the
 * peers nothing more.
 */
export class OwnedSocket {
  readonly connection: Connection;
  #relay: RelayOwner | undefined;
  #localTopics: readonly string[];
  readonly build: string;
  readonly #hubId: string;

  /**
   * Starts the connection: resumes the session `cursor` names, if any, and writes the
   * sends this hub relayed to the owner before (under their ids, when it had numbered them).
   */
  constructor(
    options: ResolvedConnectionOptions,
    env: RelayEnvironment,
    private readonly heard: HeardStream,
    private readonly channel: RelayChannelPort | undefined,
    private readonly release: () => void,
    start: {
      cursor: SessionCursor | undefined;
      sends: RelayedSend[];
      topics: readonly string[];
      online: boolean;
      /** The sessions a logout ended: a rejoin's cursor of one is not of this login. */
      loggedOut: { has(session: string): boolean; list(): string[] };
      /** Whether this hub's login began after a logout (`OwnerMessage` owner's `afterLogout`). */
      afterLogout: () => number | boolean;
    },
  ) {
    this.#localTopics = start.topics;
    this.build = env.build;
    this.#hubId = env.hubId;
    const connection = new Connection(options, env, heard);
    this.connection = connection;
    heard.own(connection);
    connection.setOnline(start.online);
    connection.start(start.cursor, start.cursor ? 'handover' : 'start');
    // The last owner's logout ended it (`leaving` named it): a new session, not its resume.
    // And a send of such a session is that login's, as a peer's re-post (review 21d).
    connection.leave(start.loggedOut.list());
    for (const { data, wire, tell, resolve, reject } of start.sends) {
      // Admitted at this hub's entry while it relayed: only a socket that failed at once
      // (no transport) refuses them.
      const refusal = refuseSend(connection.state);
      if (refusal) {
        reject(refusal);
        continue;
      }
      // Kept under its id on its session, else named (`was`), as a tab's re-post is.
      const numbering = { ...tell, ...numberingUnder(wire, start.cursor?.session) };
      connection.send(data, numbering).then(resolve, reject);
    }
    if (channel) {
      this.#relay = new RelayOwner(
        channel,
        env.hubId,
        env.build,
        options.url,
        options.name,
        connection,
        env.locks,
        {
          topicsChanged: () => this.#sendTopics(),
          close: (code, closeReason, reason) => connection.close(code, closeReason, reason),
          learn: (cursor) => {
            const { session } = cursor;
            // Begun after a logout (this hub kept the lock from it, or followed an owner whose
            // login did): no session began since but this login's, and another is the ended
            // login's.
            const ended = start.afterLogout() && session !== connection.cursor.session;
            if (!ended && !start.loggedOut.has(session)) this.learn(cursor, true);
          },
          ended: (sessions) => connection.leave(sessions),
          afterLogout: start.afterLogout,
          loggedOut: () => start.loggedOut.list(),
        },
        heard,
        env.schedule,
        env.clock,
        start.cursor !== undefined,
      );
      heard.serve(this.#relay);
    }
    this.#sendTopics();
  }

  /**
   * A cursor a tab of this hub or a rejoining hub brought (`Connection.learn`); a session
   * taken up from it is resumed from where this hub's tabs missed it (`HeardStream.lateFrom`).
   */
  learn(cursor: SessionCursor, rejoin: boolean): void {
    this.connection.learn(this.heard.lateFrom(cursor), rejoin);
  }

  /** The builds of this hub and its peers. */
  get builds(): string[] {
    return this.#relay?.builds ?? [this.build];
  }

  /**
   * Once the connection closed or failed: it keeps the lock (see `SharedConnection`) and
   * tells the peers nothing more (its relay let go of them on telling them the end).
   */
  get dormant(): boolean {
    const { state } = this.connection;
    return state === 'closed' || state === 'failed';
  }

  get status(): OwnerStatus {
    return this.connection.status;
  }

  setTopics(localTopics: readonly string[]): void {
    this.#localTopics = localTopics;
    this.#sendTopics();
  }

  receive(message: PeerMessage): void {
    if (!this.dormant) this.#relay?.receive(message);
  }

  /**
   * Closes the connection. `released` (this hub has no tab left) with peers hands the
   * socket over instead: the peers keep their sends, and the next owner resumes the session.
   */
  close(
    code: number,
    closeReason: string,
    reason: TransitionReason,
    handOver = reason === 'released',
    ended?: string,
  ): void {
    if (handOver && this.#relay?.hasPeers) {
      this.#relay.handOver(ended);
      this.#stopServing();
    }
    this.connection.close(code, closeReason, reason);
  }

  /** This login's session and those its peers joined with (`RelayOwner.loginSessions`). */
  get loginSessions(): string[] {
    return this.#relay?.loginSessions ?? [this.connection.cursor.session];
  }

  /**
   * A late logout word ended the login of `session`, this hub's tabs': a peer's login that
   * began after it (`RelayOwner.servesLoginAfter`) gets the socket, this hub's tabs the
   * logout. Its `end` goes out before the lock does, so the next owner's resume of that
   * session starts a new one; and its `leaving` names the session, for a socket that could
   * write no `end` (it is connecting): the next owner then does not resume it at all.
   * Whether it handed over.
   */
  handOverAfterLogout(session: string, code: number, closeReason: string): boolean {
    if (!this.#relay?.servesLoginAfter(session)) return false;
    this.close(code, closeReason, 'logout', true, session);
    return true;
  }

  /**
   * Lets go of the lock and the channel. Its last word goes first: a peer the lock reaches
   * before it resumes the session only on hearing it (or on this hub's death), so that it
   * hears first whether the login ended (`SharedConnection`). It names `ended`, a session
   * the next owner must not resume, and, `loggedOut`, who was on the login it kept the lock
   * for since its logout (`leaving`). `keep`: this hub's own next login takes the socket on
   * with the lock (`SharedConnection.start`): nothing goes on the channel (that login's
   * announcement follows), and it answers the lock's release, that login's now.
   */
  dispose(ended?: string, loggedOut = false, keep = false): () => void {
    const login = loggedOut ? (this.#relay?.ended ?? { logins: [], sessions: [] }) : undefined;
    this.#relay?.dispose();
    this.#stopServing();
    this.connection.dispose();
    if (!keep) {
      const leaving: OwnerMessage = {
        v: RELAY_VERSION,
        from: this.#hubId,
        kind: 'leaving',
        ended,
        loggedOut: login,
      };
      this.channel?.postMessage(leaving);
      this.release();
    }
    if (this.channel) {
      this.channel.onmessage = null;
      this.channel.close();
    }
    return this.release;
  }

  #sendTopics(): void {
    const topics = new Set([...this.#localTopics, ...(this.#relay?.topics ?? [])]);
    this.connection.setTopics([...topics]);
  }

  #stopServing(): void {
    this.#relay = undefined;
    this.heard.serve(undefined);
    this.heard.own(undefined);
  }
}
