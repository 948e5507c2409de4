import type { ResolvedConnectionOptions, Transport } from '../protocol/connection-options';
import { serializeError } from '../protocol/errors';
import {
  type OwnerMessage,
  type OwnerStatus,
  type PeerMessage,
  RELAY_VERSION,
} from '../protocol/relay';
import type { ConnectionState, TransitionReason } from '../protocol/state';
import type { SessionCursor, SocketData } from '../protocol/tab-hub';
import { Connection } from './connection';
import type { RelayChannelPort, RelayEnvironment } from './relay-environment';
import { type OwnerHost, RelayOwner } from './relay-owner';
import type { PeerListener, RelayedSend } from './relay-peer';
import type { Numbering } from './send-queue';

/**
 * The socket of a connection while this hub holds its owner lock: the `Connection`, served
 * to this hub's tabs and, through a `RelayOwner`, to its peers. `serving` while the
 * connection lives; `dormant` once it closed or failed, when it keeps the lock (see
 * `SharedConnection`) and tells the peers nothing more.
 */
export class OwnedSocket {
  readonly connection: Connection;
  #phase: 'serving' | 'dormant' = 'serving';
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
    private readonly listener: PeerListener,
    private readonly channel: RelayChannelPort | undefined,
    private readonly release: () => void,
    start: {
      cursor: SessionCursor | undefined;
      sends: RelayedSend[];
      topics: readonly string[];
      online: boolean;
      /** What a hub whose stream stands at a cursor missed, from the frames kept. */
      missedBy: OwnerHost['missedBy'];
      /** Whether a logout ended `session`: a rejoin's cursor of it is not of this login. */
      loggedOut: (session: string) => boolean;
    },
  ) {
    this.#localTopics = start.topics;
    this.build = env.build;
    this.#hubId = env.hubId;
    const connection = new Connection(options, env, this.#connectionListener);
    this.connection = connection;
    connection.setOnline(start.online);
    connection.start(start.cursor, start.cursor ? 'handover' : 'start');
    for (const { data, wire, tell, resolve, reject } of start.sends) {
      // Another session's ids mean nothing to this one: the message takes its next id.
      const kept = wire && wire.session === start.cursor?.session;
      connection.send(data, kept ? { ...tell, id: wire.id } : tell).then(resolve, reject);
    }
    if (channel) {
      this.#relay = new RelayOwner(
        channel,
        env.hubId,
        env.build,
        options.url,
        options.name,
        {
          get status() {
            return statusOf(connection);
          },
          get cursor() {
            return connection.cursor;
          },
          send: (data, numbering) => connection.send(data, numbering),
        },
        env.locks,
        {
          topicsChanged: () => this.#sendTopics(),
          close: (code, closeReason, reason) => connection.close(code, closeReason, reason),
          missedBy: start.missedBy,
          learn: (cursor) => {
            if (!start.loggedOut(cursor.session)) connection.learn(cursor, true);
          },
          ended: (sessions) => connection.leave(sessions),
          buildsChanged: (builds) => {
            listener.builds(builds);
            this.#relay?.event({ kind: 'builds', name: options.name, builds });
          },
        },
        env.schedule,
        env.clock,
      );
    }
    this.#sendTopics();
  }

  /** The builds of this hub and its peers. */
  get builds(): string[] {
    return this.#relay?.builds ?? [this.build];
  }

  get dormant(): boolean {
    return this.#phase === 'dormant';
  }

  get status(): OwnerStatus {
    return statusOf(this.connection);
  }

  send(data: SocketData, numbering?: Numbering): Promise<void> {
    return this.connection.send(data, numbering);
  }

  setTopics(localTopics: readonly string[]): void {
    this.#localTopics = localTopics;
    this.#sendTopics();
  }

  receive(message: PeerMessage): void {
    if (this.#phase === 'serving') this.#relay?.receive(message);
  }

  /**
   * Closes the connection. `released` (this hub has no tab left) with peers hands the
   * socket over instead: the peers keep their sends, and the next owner resumes the session.
   */
  close(code: number, closeReason: string, reason: TransitionReason): void {
    if (reason === 'released' && this.#relay?.hasPeers) {
      this.#relay.handOver();
      this.#relay = undefined;
    }
    this.connection.close(code, closeReason, reason);
  }

  /**
   * Lets go of the lock and the channel. Its last word goes first: a peer the lock reaches
   * before it resumes the session only on hearing it (or on this hub's death), so that it
   * hears first whether the login ended (`SharedConnection`).
   */
  dispose(): void {
    this.#relay?.dispose();
    this.#relay = undefined;
    this.connection.dispose();
    const leaving: OwnerMessage = { v: RELAY_VERSION, from: this.#hubId, kind: 'leaving' };
    this.channel?.postMessage(leaving);
    this.release();
    if (this.channel) {
      this.channel.onmessage = null;
      this.channel.close();
    }
  }

  #sendTopics(): void {
    const topics = new Set([...this.#localTopics, ...(this.#relay?.topics ?? [])]);
    this.connection.setTopics([...topics]);
  }

  /** What the connection reports goes to this hub's tabs, and to the peers while serving. */
  readonly #connectionListener: PeerListener = {
    state: (state, detail) => {
      // First: the catch-ups kept for the open (`HeardStream.missedBy`) reach the peers before it.
      this.listener.state(state, detail);
      this.#relay?.state(this.status, detail);
      if (state === 'closed' || state === 'failed') {
        this.#phase = 'dormant';
        this.#relay?.dispose();
        this.#relay = undefined;
      }
    },
    frame: (frame) => {
      this.listener.frame(frame);
      this.#relay?.frame(frame);
    },
    error: (error) => {
      this.listener.error(error);
      this.#relay?.event({
        kind: 'error',
        name: this.connection.options.name,
        error: serializeError(error),
      });
    },
    resync: () => {
      this.listener.resync();
      this.#relay?.event({ kind: 'resync', name: this.connection.options.name });
    },
    cursor: (cursor) => {
      this.listener.cursor(cursor);
      this.#relay?.event({ kind: 'cursor', name: this.connection.options.name, cursor });
    },
    builds: (builds) => this.listener.builds(builds),
  };
}

function statusOf(source: {
  state: ConnectionState;
  generation: number;
  failedAttempts: number;
  transport: Transport;
}): OwnerStatus {
  return {
    state: source.state,
    generation: source.generation,
    failedAttempts: source.failedAttempts,
    transport: source.transport,
  };
}
