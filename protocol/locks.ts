/**
 * The Web Lock a tab holds for its whole life. The worker asks for the same lock and is
 * granted it only when the tab is gone, closed or crashed: a MessagePort gives no such
 * signal of its own.
 */
export function tabLockName(tabId: string): string {
  return `tabsocket:tab:${tabId}`;
}
