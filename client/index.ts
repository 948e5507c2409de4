/** `tabsocket`: the tab side. Everything not exported here is internal and may change. */

export type {
  CloseCodeList,
  ConnectionOptions,
  HeartbeatOptions,
  ReconnectOptions,
  UrlProvider,
} from '../protocol/connection-options';
export {
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidArgumentError,
  InvalidOptionError,
  MalformedFrameError,
  OutboxFullError,
  RefusedError,
  ReleasedError,
  TabSocketError,
  type TabSocketErrorCode,
  TooLargeError,
  UnconfirmedSendError,
  UrlProviderError,
  WorkerError,
} from '../protocol/errors';
export type { HeartbeatFrame } from '../protocol/heartbeat-frame';
export type { ConnectionState, StateDetail, TransitionReason } from '../protocol/state';
export type { ConnectionSnapshot } from '../protocol/tab-hub';
export { type ConnectOptions, connect } from './connect';
export type { DebugEvent, DebugLogger } from './debug-log';
export type { SendData, TabSocket, TabSocketEvents } from './tab-socket';
