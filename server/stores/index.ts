/**
 * What the server asks of the places its state lives, and the types those places share with
 * it. Three interfaces:
 *
 * - `ReplayStore`: each session's numbered push stream (replayed on resume) and the message
 *   ids it passed on (so a resent message is passed on once);
 * - `PresenceStore`: which users have sockets open, and when the others were last seen;
 * - `FanoutChannel`: carries `push`, `broadcast` and `publish` to every server of an app.
 *
 * Why interfaces, and why this folder alone: one process keeps everything in memory
 * (server/memory/, the defaults), several processes behind a load balancer share it
 * (server/redis/), and the server's code does not change between the two. An implementation
 * sees only this folder and protocol/ (protocol/boundaries.test.ts holds memory/ and redis/
 * to that), so it cannot come to depend on how the server does its work, and the server can
 * change that freely. Every `ReplayStore` method may answer a promise: the in-memory store
 * answers synchronously and the server then never waits (`MaybePromise`).
 */

export type { FanoutChannel, FanoutMessage, FanoutTarget } from './fanout';
export { isPromise, type MaybePromise } from './maybe-promise';
export type {
  OfflineEntry,
  OnlineEntry,
  PresenceCounts,
  PresenceEntry,
  PresenceStore,
} from './presence-store';
export {
  encodePayload,
  encodePushData,
  encodePushFrame,
  encodeTopicFrame,
  encodeTopicPayload,
  type PushData,
  type PushPayload,
  pushPayload,
} from './push-payload';
export {
  isPushNumber,
  type PushEntry,
  type ReplayRead,
  type ReplayStore,
  type SessionHolder,
} from './replay-store';
