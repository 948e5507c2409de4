/** `tabsocket/worker`: run tabsocket's hub in a worker script of your own. */

export type { ConnectionSnapshot, HubApi } from '../protocol/tab-hub';
export type { Environment, SocketLike } from './environment';
export type { Hub, HubEnvironment } from './hub';
export type { LockWaiter } from './registry';
export { type ConnectScope, createHub, exposeHub, type ServeOptions, serve } from './serve';
