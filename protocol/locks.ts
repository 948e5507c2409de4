/**
 * The Web Lock a tab holds for its whole life. The worker asks for the same lock and is
 * granted it only when the tab is gone, closed or crashed: a MessagePort gives no such
 * signal of its own.
 */
export function tabLockName(tabId: string): string {
  return `tabsocket:tab:${tabId}`;
}

/**
 * The Web Lock a hub (a worker) holds for its whole life, named for that one instance. Its
 * tabs queue for it (shared mode) once `attach` told them the id: the grant means the worker
 * is gone (killed, crashed, ended by the browser), an event no port would give them.
 */
export function hubLockName(hubId: string): string {
  return `tabsocket:worker:${hubId}`;
}

/**
 * The Web Lock whose holder owns the socket of connection `name` in this browser profile:
 * one hub at a time, whatever runs it (a SharedWorker of any build, a page's own hub where
 * SharedWorker is missing). The other hubs queue for it and relay meanwhile.
 */
export function ownerLockName(name: string): string {
  return `tabsocket:owner:${name}`;
}

/** The BroadcastChannel on which the hubs of connection `name` talk (see `relay.ts`). */
export function relayChannelName(name: string): string {
  return `tabsocket:relay:${name}`;
}
