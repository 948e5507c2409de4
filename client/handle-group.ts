/** What the handles of one connection in one tab amount to, together. */
import type { ResolvedConnectionOptions } from '../protocol/connection-options';
import type { ConnectionState } from '../protocol/state';
import type { Interest, TabUrlProvider } from '../protocol/tab-hub';

/** The handles of one connection in this tab, and the options it was opened with. */
export interface HandleGroup<Handle> {
  /**
   * The options the login runs with: its opener's (the handle that opened it, in whichever
   * tab, as the worker answers), for a fresh worker after a death. Later handles change none.
   */
  options: ResolvedConnectionOptions;
  handles: Set<Handle>;
  /** The url function of the latest `connect()`, for options whose url is one. */
  urlProvider: TabUrlProvider | undefined;
}

/** What a tab wants of one connection: the union of its handles' listeners. */
export function interestOf(handles: Iterable<{ readonly interest: Interest }>): Interest {
  const topics = new Set<string>();
  let all = false;
  for (const { interest } of handles) {
    all ||= interest.all;
    for (const topic of interest.topics) topics.add(topic);
  }
  return { all, topics: [...topics].sort() };
}

/** A connect() under a known name is a new login when the url changed or the old one ended. */
export function startsNewLogin(
  current: ResolvedConnectionOptions,
  handles: Iterable<{ readonly state: ConnectionState }>,
  next: ResolvedConnectionOptions,
): boolean {
  if (current.url !== next.url) return true;
  const [any] = handles;
  return any?.state === 'closed' || any?.state === 'failed';
}

/**
 * The worker answered `opener`'s open with `login`. Another login than the one this tab's
 * earlier handles were answered with means this open started the connection anew (it was
 * closed or failed, by this tab or another, whatever the handles had heard yet): those
 * handles belong to a login that ended and are retired, or each push would reach this tab
 * twice. Handles whose own open is not answered yet are left to their answer. Returns
 * whether any was retired.
 */
export function retireOlderLogins<Handle extends { retire(): void }>(
  group: HandleGroup<Handle>,
  logins: WeakMap<Handle, number>,
  opener: Handle,
  login: number,
): boolean {
  if (!group.handles.has(opener)) return false;
  logins.set(opener, login);
  let retired = false;
  for (const handle of group.handles) {
    const earlier = logins.get(handle);
    if (earlier === undefined || earlier === login) continue;
    group.handles.delete(handle);
    handle.retire();
    retired = true;
  }
  return retired;
}
