import type { PushData } from './push-payload';

/**
 * One `push`, `broadcast` or `publish` of the app, as a fan-out channel carries it to every
 * server. Short keys: it goes over the channel once per server.
 */
export type FanoutMessage =
  | { k: 'u'; u: string; d: PushData }
  | { k: 'b'; d: PushData }
  | { k: 't'; t: string; d: PushData };

/** What a fan-out channel makes its fan-outs on: the server it was given to. */
export interface FanoutTarget {
  /**
   * Makes `message` on this server's sockets and sessions, synchronously: a store that
   * numbers fan-outs itself (`ReplayStore.makingFanout`) numbers the pushes made meanwhile.
   */
  make(message: FanoutMessage): void;
  /** The body of the push `message` makes on this server (its `topicKey` applied). */
  bodyOf(message: FanoutMessage): string;
  /**
   * This server missed fan-outs: ends every socket, so that each worker resumes and, as
   * what it missed is not known, resyncs.
   */
  endSockets(): void;
}

/**
 * Carries the server's `push`, `broadcast` and `publish` to every server of the app, the
 * calling one included: each makes them on its own sockets and sessions, in one order. The
 * server does not make its own first: a push it made before the channel ordered it could not
 * be told apart from one it had not made.
 */
export interface FanoutChannel {
  /** Called once, by the server the channel is given to (its `fanout` option). */
  attach(target: FanoutTarget): void;
  /**
   * Carries `message` to every server; resolves with its number in the channel's order once
   * ordered, or with undefined when it is not known whether it was (it may reach every
   * server: sending it again may deliver it twice).
   */
  send(message: FanoutMessage): Promise<number | undefined>;
}
