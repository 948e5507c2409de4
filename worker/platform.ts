import type { Clock } from '../protocol/clock';
import type { OwnerMessage, PeerMessage } from '../protocol/relay';
import type { SocketData } from '../protocol/tab-hub';

/** The part of the browser's WebSocket the connection uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  binaryType: BinaryType;
  send(data: SocketData): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  /**
   * The HTTP stream's: calls `then` once every frame sent is posted and answered (a
   * WebSocket has handed each to the network as it was sent).
   */
  afterPosted?(then: () => void): void;
}

/** The socket of an HTTP stream to `url`'s server, where WebSocket is blocked. */
export type StreamMaker = (url: string) => SocketLike;

export interface Environment {
  clock: Clock;
  /** Uniform in [0, 1), as Math.random. */
  random: () => number;
  createSocket: (url: string, protocols: string[]) => SocketLike;
  /**
   * Loads the HTTP stream (worker/socket/http-stream-socket.ts, a chunk of its own, so that a
   * worker whose WebSocket works never downloads it) and gives its sockets' maker; called
   * when the transport policy first takes the stream, again after a load that failed.
   * Without it (a test's environment, the simulation's) only WebSocket is used.
   */
  loadStream?: () => Promise<StreamMaker>;
  /**
   * With a `url` function: the url of the next attempt, asked of a tab (`UrlSource`). An
   * abort (the attempt was given up) ends the ask and its deadline at once.
   */
  freshUrl?: (abandoned: AbortSignal) => Promise<string>;
}

/** The part of `navigator.locks` the hubs use. */
export interface LockWaiter {
  request(
    name: string,
    options: { mode?: 'shared' | 'exclusive'; signal?: AbortSignal },
    callback: () => unknown,
  ): Promise<unknown>;
}

/** Runs `task` once, soon, after the tasks already queued (not as a microtask). */
export type ScheduleTask = (task: () => void) => void;

/** The part of a BroadcastChannel the relay uses. */
export interface RelayChannel {
  postMessage(message: PeerMessage | OwnerMessage): void;
}

/** A BroadcastChannel as the hub uses it. */
export interface RelayChannelPort extends RelayChannel {
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

/** What a hub's connections need to share their sockets with the other hubs of the browser. */
export interface RelayEnvironment extends Environment {
  /** This hub's id: it holds `hubLockName(hubId)` for its whole life. */
  hubId: string;
  /** What this hub's build is called to the other hubs: its script's URL. */
  build: string;
  /** Web Locks; without them this hub owns its sockets alone, as before the relay. */
  locks: LockWaiter | undefined;
  /** Opens a BroadcastChannel; undefined where there is none (then, again, no relay). */
  openChannel: ((name: string) => RelayChannelPort) | undefined;
  schedule: ScheduleTask;
  /**
   * The number of this hub's next login, on any connection name: each greater than the
   * last for this hub's life, however often it makes a connection anew (`PeerMessage.login`).
   */
  nextLogin(): number;
}

/**
 * The next-task scheduler of a worker: a message to ourselves. Unlike `setTimeout(0)` it
 * is never clamped to 4 ms, and unlike a microtask it lets the socket's queued messages in first.
 */
export function nextTask(): ScheduleTask {
  const channel = new MessageChannel();
  const queue: Array<() => void> = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return (task) => {
    queue.push(task);
    channel.port2.postMessage(null);
  };
}
