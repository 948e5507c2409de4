/** `tabsocket`: the tab side. Everything not exported here is internal and may change. */

export {
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidArgumentError,
  InvalidOptionError,
  MalformedFrameError,
  OutboxFullError,
  ReleasedError,
  TabSocketError,
  type TabSocketErrorCode,
  WorkerError,
} from '../worker/errors/index';
export type { HeartbeatFrame } from '../worker/heartbeat-frame';
export type {
  CloseCodeList,
  ConnectionOptions,
  HeartbeatOptions,
  ReconnectOptions,
} from '../worker/options';
export type { ConnectionSnapshot } from '../worker/protocol';
export type { ConnectionState, StateDetail, TransitionReason } from '../worker/state';
export { type ConnectOptions, connect } from './connect';
export type { SendData, TabSocket, TabSocketEvents } from './tab-socket';
