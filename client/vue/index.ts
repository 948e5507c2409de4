/** `tabsocket/vue`: composables over `connect()` for Vue 3.3 and later. */

export { type TabSocketRefs, useTabSocket } from './use-tab-socket';
export { useTopic } from './use-topic';
