/** `tabsocket/worker`: run tabsocket's hub in a worker script of your own. */

export type { ConnectionSnapshot, HubApi } from '../protocol/tab-hub';
export type { Hub, HubEnvironment } from './hub/hub';
export type { Environment, LockWaiter, SocketLike } from './platform';
export { type ConnectScope, createHub, exposeHub, type ServeOptions, serve } from './serve';
