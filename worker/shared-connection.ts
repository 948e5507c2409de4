import { Timer } from '../protocol/clock';
import type { ResolvedConnectionOptions } from '../protocol/connection-options';
import { ConnectionClosedError, ConnectionFailedError, serializeError } from '../protocol/errors';
import { ownerLockName, relayChannelName } from '../protocol/locks';
import type { OwnerStatus, RelayMessage } from '../protocol/relay';
import { RELAY_VERSION } from '../protocol/relay';
import type { ConnectionState, StateDetail, TransitionReason } from '../protocol/state';
import type { SessionCursor, SocketData } from '../protocol/tab-hub';
import { Connection, type Environment } from './connection';
import type { ScheduleTask } from './frame-batcher';
import type { LockWaiter } from './registry';
import { RelayOwner } from './relay-owner';
import { type PeerListener, type RelayChannel, RelayPeer } from './relay-peer';

/** A BroadcastChannel as the hub uses it. */
export interface RelayChannelPort extends RelayChannel {
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

export interface RelayEnvironment extends Environment {
  /** This hub's id: it holds `workerLockName(hubId)` for its whole life. */
  hubId: string;
  /** What this hub's build is called to the other hubs: its script's URL. */
  build: string;
  /** Web Locks; without them this hub owns its sockets alone, as before the relay. */
  locks: LockWaiter | undefined;
  /** Opens a BroadcastChannel; undefined where there is none (then, again, no relay). */
  openChannel: ((name: string) => RelayChannelPort) | undefined;
  schedule: ScheduleTask;
}

type Waiting = {
  kind: 'waiting';
  peer: RelayPeer;
  channel: RelayChannelPort;
  stop: AbortController;
};
type Owning = {
  kind: 'owner' | 'dormant';
  connection: Connection;
  relay: RelayOwner | undefined;
  channel: RelayChannelPort | undefined;
  release: () => void;
};

/**
 * What a hub holds for one connection name: the socket itself, when this hub holds the
 * owner lock, or a relay to the hub that does. Every hub starts `waiting` in the lock's
 * queue and relays meanwhile; the grant makes it the `owner`, which resumes the session
 * the relay saw (so a handover loses nothing). An owner whose connection closed or failed
 * stays `dormant`, keeping the lock so that no queued peer reopens a socket the user
 * logged out of, until some hub starts a new login (its join wakes it) or it is disposed.
 */
export class SharedConnection {
  #role: { kind: 'idle' } | Waiting | Owning = { kind: 'idle' };
  #final: OwnerStatus = { state: 'idle', generation: 0, failedAttempts: 0 };
  #online = true;
  #topics: readonly string[] = [];
  /** Owners of another url this hub asked to make way for its login, by hub id. */
  readonly #replaced = new Set<string>();
  /** Settles `known` when no owner answers in time (one of a relay version this hub does not speak). */
  readonly #knownTimer: Timer;
  #known: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    readonly options: ResolvedConnectionOptions,
    private readonly env: RelayEnvironment,
    private readonly listener: PeerListener,
  ) {
    this.#knownTimer = new Timer(env.clock);
  }

  /**
   * Undefined when this hub knows the connection's state; else a promise that resolves
   * once it does (it took the socket, or the owner answered), or after `KNOWN_WITHIN` ms.
   */
  get known(): Promise<void> | undefined {
    return this.#known?.promise;
  }

  get role(): 'owner' | 'relay' {
    return this.#role.kind === 'waiting' ? 'relay' : 'owner';
  }

  get #status(): OwnerStatus {
    const role = this.#role;
    if (role.kind === 'waiting') return statusOf(role.peer);
    if (role.kind === 'idle') return this.#final;
    return statusOf(role.connection);
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

  /** Where the session stands, as this hub knows it. */
  get cursor(): SessionCursor | undefined {
    const role = this.#role;
    if (role.kind === 'waiting') return role.peer.cursor;
    return role.kind === 'idle' ? undefined : role.connection.cursor;
  }

  get queued(): number {
    const role = this.#role;
    if (role.kind === 'waiting') return role.peer.queued;
    return role.kind === 'idle' ? 0 : role.connection.queued;
  }

  /** Joins the queue for the socket (or takes it, where there is no relay). Live: nothing. */
  start(resumeFrom?: SessionCursor): void {
    const role = this.#role;
    if (role.kind === 'waiting' || (role.kind === 'owner' && isLive(role.connection.state))) {
      return;
    }
    if (role.kind !== 'idle') this.#letGo(role);
    const { locks, openChannel } = this.env;
    if (!locks || !openChannel) {
      this.#own(undefined, resumeFrom, () => {});
      return;
    }
    const channel = openChannel(relayChannelName(this.options.name));
    const peer = new RelayPeer(
      channel,
      this.env.hubId,
      this.env.build,
      this.options.url,
      this.options.outboxLimit,
      this.#peerListener,
      resumeFrom,
    );
    const waiting: Waiting = { kind: 'waiting', peer, channel, stop: new AbortController() };
    this.#role = waiting;
    this.#awaitKnown();
    channel.onmessage = (event) => this.#receive(event.data as RelayMessage);
    peer.setTopics(this.#topics);
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    locks
      .request(ownerLockName(this.options.name), { signal: waiting.stop.signal }, () => {
        // Granted after this hub stopped waiting: let go at once.
        if (this.#role !== waiting) return undefined;
        this.#own(waiting, waiting.peer.cursor, release);
        return held;
      })
      // Aborted (this hub stopped waiting) or refused: nothing holds, nothing to do.
      .catch(() => {});
  }

  send(data: SocketData): Promise<void> {
    const role = this.#role;
    if (role.kind === 'waiting') return role.peer.send(data);
    if (role.kind !== 'idle') return role.connection.send(data);
    return Promise.reject(
      this.#final.state === 'failed'
        ? new ConnectionFailedError('tabsocket: the connection failed and will not reconnect')
        : new ConnectionClosedError('tabsocket: the connection is closed'),
    );
  }

  /**
   * Closes for every hub (logout, a new url), or, `released`, for this hub's tabs only: an
   * owner with peers then hands the socket over instead of closing the session.
   */
  close(code: number, closeReason: string, reason: TransitionReason): void {
    const role = this.#role;
    if (role.kind === 'idle') return;
    if (role.kind === 'waiting') {
      if (reason === 'logout' || reason === 'replaced') {
        // The owner closes it for everyone, this hub too; without one, this hub alone.
        if (role.peer.state !== 'idle') {
          role.peer.close(code, closeReason, reason);
          return;
        }
      } else {
        role.peer.leave();
      }
      this.#letGo(role);
      role.peer.rejectAll(
        new ConnectionClosedError(`tabsocket: the connection was closed (${reason})`),
      );
      this.#end(
        { ...statusOf(role.peer), state: 'closed' },
        { from: role.peer.state, reason, code },
      );
      return;
    }
    if (reason === 'released' && role.relay?.hasPeers) {
      role.relay.handOver();
      role.relay = undefined;
    }
    role.connection.close(code, closeReason, reason);
    if (reason === 'released' || reason === 'replaced') this.#letGo(this.#role);
  }

  setOnline(online: boolean): void {
    this.#online = online;
    const role = this.#role;
    if (role.kind === 'owner') role.connection.setOnline(online);
  }

  /** The topics of this hub's tabs; an owner adds its peers' before telling the server. */
  setTopics(topics: readonly string[]): void {
    this.#topics = topics;
    const role = this.#role;
    if (role.kind === 'waiting') role.peer.setTopics(topics);
    else if (role.kind === 'owner') this.#sendTopics(role);
  }

  #awaitKnown(): void {
    let resolve = (): void => {};
    const promise = new Promise<void>((settle) => {
      resolve = settle;
    });
    this.#known = { promise, resolve };
    this.#knownTimer.start(KNOWN_WITHIN, () => this.#isKnown());
  }

  #isKnown(): void {
    this.#knownTimer.clear();
    this.#known?.resolve();
    this.#known = undefined;
  }

  /** Takes the socket: resumes the session `cursor` names, and writes the sends it relayed. */
  #own(waiting: Waiting | undefined, cursor: SessionCursor | undefined, release: () => void): void {
    const sends = waiting?.peer.takeSends() ?? [];
    const handover = cursor !== undefined;
    const connection = new Connection(this.options, this.env, this.#ownerListener);
    const role: Owning = {
      kind: 'owner',
      connection,
      relay: undefined,
      channel: waiting?.channel,
      release,
    };
    waiting?.stop.abort();
    this.#role = role;
    connection.setOnline(this.#online);
    connection.start(cursor, handover ? 'handover' : 'start');
    for (const { data, wire, resolve, reject } of sends) {
      connection.send(data, wire === undefined ? {} : { id: wire }).then(resolve, reject);
    }
    if (role.channel) {
      role.relay = new RelayOwner(
        role.channel,
        this.env.hubId,
        this.env.build,
        this.options.url,
        this.options.name,
        {
          get status() {
            return statusOf(connection);
          },
          get cursor() {
            return connection.cursor;
          },
          send: (data, numbering) => connection.send(data, numbering),
        },
        this.env.locks,
        this.#ownerHost(role),
        this.env.schedule,
      );
    }
    this.#sendTopics(role);
    this.#isKnown();
  }

  #sendTopics(role: Owning): void {
    const topics = new Set([...this.#topics, ...(role.relay?.topics ?? [])]);
    role.connection.setTopics([...topics]);
  }

  #receive(message: RelayMessage): void {
    if (message?.v !== RELAY_VERSION) return;
    const role = this.#role;
    if (role.kind === 'waiting') {
      if (message.kind === 'owner' && message.url !== this.options.url) {
        // Another login owns the socket: this hub's tabs logged in anew, so it makes way.
        if (!this.#replaced.has(message.from)) {
          this.#replaced.add(message.from);
          role.peer.close(1000, '', 'replaced');
        }
        return;
      }
      if (isOwnerMessage(message)) role.peer.receive(message);
      return;
    }
    if (role.kind === 'owner' && !isOwnerMessage(message)) role.relay?.receive(message);
    // A dormant owner makes way for the first hub that starts a new login.
    if (role.kind === 'dormant' && message.kind === 'join') this.#letGo(role);
  }

  readonly #peerListener: PeerListener = {
    state: (state, detail) => {
      const role = this.#role;
      if (role.kind === 'waiting' && (state === 'closed' || state === 'failed')) {
        this.#letGo(role);
        role.peer.rejectAll(
          state === 'failed'
            ? new ConnectionFailedError('tabsocket: the connection failed and will not retry')
            : new ConnectionClosedError(`tabsocket: the connection was closed (${detail.reason})`),
        );
        this.#final = statusOf(role.peer);
      }
      this.listener.state(state, detail);
      this.#isKnown();
    },
    frame: (frame) => this.listener.frame(frame),
    error: (error) => this.listener.error(error),
    resync: () => this.listener.resync(),
    cursor: (cursor) => this.listener.cursor(cursor),
    builds: (builds) => this.listener.builds(builds),
  };

  readonly #ownerListener: PeerListener = {
    state: (state, detail) => {
      const role = this.#role;
      if (role.kind === 'owner' || role.kind === 'dormant') {
        role.relay?.state(statusOf(role.connection), detail);
        if (role.kind === 'owner' && (state === 'closed' || state === 'failed')) {
          // Kept while no other hub starts a login: no queued peer may reopen it.
          role.kind = 'dormant';
          role.relay?.dispose();
          role.relay = undefined;
        }
      }
      this.listener.state(state, detail);
    },
    frame: (frame) => {
      this.listener.frame(frame);
      this.#relayOf()?.frame(frame);
    },
    error: (error) => {
      this.listener.error(error);
      this.#relayOf()?.event({
        kind: 'error',
        name: this.options.name,
        error: serializeError(error),
      });
    },
    resync: () => {
      this.listener.resync();
      this.#relayOf()?.event({ kind: 'resync', name: this.options.name });
    },
    cursor: (cursor) => {
      this.listener.cursor(cursor);
      this.#relayOf()?.event({ kind: 'cursor', name: this.options.name, cursor });
    },
    builds: (builds) => this.listener.builds(builds),
  };

  #ownerHost(role: Owning) {
    return {
      topicsChanged: () => this.#sendTopics(role),
      close: (code: number, closeReason: string, reason: 'logout' | 'replaced') =>
        role.connection.close(code, closeReason, reason),
      buildsChanged: (builds: string[]) => {
        this.listener.builds(builds);
        role.relay?.event({ kind: 'builds', name: this.options.name, builds });
      },
    };
  }

  #relayOf(): RelayOwner | undefined {
    const role = this.#role;
    return role.kind === 'owner' ? role.relay : undefined;
  }

  /** Leaves the lock (or its queue) and the channel; the state stays what it was. */
  #letGo(role: Waiting | Owning | { kind: 'idle' }): void {
    if (role.kind === 'idle') return;
    this.#isKnown();
    if (role.kind === 'waiting') {
      role.stop.abort();
      role.channel.onmessage = null;
      role.channel.close();
    } else {
      role.relay?.dispose();
      role.release();
      if (role.channel) {
        role.channel.onmessage = null;
        role.channel.close();
      }
    }
    if (this.#role === role) {
      this.#final = role.kind === 'waiting' ? statusOf(role.peer) : statusOf(role.connection);
      this.#role = { kind: 'idle' };
    }
  }

  #end(status: OwnerStatus, detail: StateDetail): void {
    this.#final = status;
    this.listener.state(status.state, detail);
  }
}

/** How long `open` waits for the owner's answer: a grant or an announcement takes a few ms. */
const KNOWN_WITHIN = 1_000;

function statusOf(source: {
  state: ConnectionState;
  generation: number;
  failedAttempts: number;
}): OwnerStatus {
  return {
    state: source.state,
    generation: source.generation,
    failedAttempts: source.failedAttempts,
  };
}

function isLive(state: ConnectionState): boolean {
  return state !== 'closed' && state !== 'failed' && state !== 'idle';
}

function isOwnerMessage(
  message: RelayMessage,
): message is Extract<RelayMessage, { kind: OwnerKinds }> {
  return OWNER_KINDS.has(message.kind);
}

type OwnerKinds = 'owner' | 'state' | 'event' | 'numbered' | 'settled' | 'leaving';
const OWNER_KINDS = new Set<string>(['owner', 'state', 'event', 'numbered', 'settled', 'leaving']);
