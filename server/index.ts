/**
 * `tabsocket/server`: the reference server helpers, on the `ws` package. Node only.
 */

export {
  InvalidOptionError,
  TabSocketError,
  type TabSocketErrorCode,
} from '../protocol/errors';
export type { WireErrorCode } from '../protocol/wire';
export type { UpgradeRateOptions } from './admission';
export type { DrainOptions } from './drain';
export {
  MemoryPresenceStore,
  type MemoryPresenceStoreOptions,
} from './memory/memory-presence-store';
export { MemoryReplayStore } from './memory/memory-replay-store';
export type {
  Authenticate,
  HeartbeatAnswerOptions,
  Identity,
  LivenessOptions,
  ReplayOptions,
  SessionLimits,
  TabSocketServerOptions,
} from './options';
export type { PushAnswer } from './push-routing';
export {
  createTabSocketServer,
  TabSocketServer,
  type TabSocketServerEvents,
  type TabSocketServerStats,
} from './server';
export type { TabSocketClient } from './sockets/connected-client';
export type { HeartbeatGate } from './sockets/heartbeat-answers';
export { suspendHeartbeatAnswers } from './sockets/heartbeat-suspension';
export { Presence, type PresenceEvents } from './sockets/presence';
export type {
  FanoutChannel,
  FanoutMessage,
  FanoutTarget,
  MaybePromise,
  OfflineEntry,
  OnlineEntry,
  PresenceCounts,
  PresenceEntry,
  PresenceStore,
  PushData,
  PushEntry,
  PushPayload,
  ReplayRead,
  ReplayStore,
  SessionHolder,
} from './stores';
