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
export type { TabSocketClient } from './connected-client';
export type { DrainOptions } from './drain';
export type { HeartbeatGate } from './heartbeat-answers';
export { suspendHeartbeatAnswers } from './heartbeat-suspension';
export { MemoryPresenceStore, type MemoryPresenceStoreOptions } from './memory-presence-store';
export { MemoryReplayStore } from './memory-replay-store';
export type {
  Authenticate,
  HeartbeatAnswerOptions,
  LivenessOptions,
  ReplayOptions,
  SessionLimits,
  TabSocketServerOptions,
} from './options';
export type { PushData } from './outbound-frame';
export { Presence, type PresenceEvents } from './presence';
export type {
  OfflineEntry,
  OnlineEntry,
  PresenceCounts,
  PresenceEntry,
  PresenceStore,
} from './presence-store';
export type {
  MaybePromise,
  PushEntry,
  PushPayload,
  ReplayRead,
  ReplayStore,
  SessionHolder,
} from './replay-store';
export {
  createTabSocketServer,
  TabSocketServer,
  type TabSocketServerEvents,
  type TabSocketServerStats,
} from './server';
