/** `tabsocket/react`: hooks over `connect()` for React 18 and later. */

export { type TabSocketBinding, useTabSocket } from './use-tab-socket';
export { useTopic } from './use-topic';
