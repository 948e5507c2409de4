/** What the handles of one connection in one tab amount to, together. */
import type { ResolvedConnectionOptions } from '../protocol/connection-options';
import type { ConnectionState } from '../protocol/state';
import type { TabUrlProvider } from '../protocol/tab-hub';
import type { TabInterest } from './tab-interest';

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
  /** What the handles listen to together, and what the worker was told of it. */
  interest: TabInterest;
  /**
   * `opening` from the `connect()` that made the group until the worker took its open
   * (`open`: its number among this tab's opens of the name to this worker, once posted):
   * what the worker posts for the name before is of the tab's login before (a logout, or
   * a release in the same task, which keeps the tab on the connection), and reaches no
   * handle of this one.
   */
  phase: { kind: 'opening'; open?: number } | { kind: 'joined' };
  /** When the group's first handle connected (`Date.now()`): told with an open without a cursor. */
  openedAt: number;
}

/** A connect() under a known name is a new login when the url changed or the old one ended. */
export function startsNewLogin(
  current: ResolvedConnectionOptions,
  handles: Iterable<{ readonly state: ConnectionState }>,
  next: ResolvedConnectionOptions,
): boolean {
  return current.url !== next.url || loginEnded(handles);
}

/** Whether the login of these handles ended: closed (a logout) or failed for good. */
export function loginEnded(handles: Iterable<{ readonly state: ConnectionState }>): boolean {
  const [any] = handles;
  return any?.state === 'closed' || any?.state === 'failed';
}

/**
 * The worker answered `opener`'s open with `login`. Another login than the one this tab's
 * earlier handles were answered with means this open started the connection anew (it was
 * closed or failed, by this tab or another, whatever the handles had heard yet): those
 * handles belong to a login that ended and are retired, or each push would reach this tab
 * twice. Handles whose own open is not answered yet are left to their answer. Returns
 * the handles it retired.
 */
export function retireOlderLogins<Handle extends { retire(): void }>(
  group: HandleGroup<Handle>,
  logins: WeakMap<Handle, number>,
  opener: Handle,
  login: number,
): Handle[] {
  if (!group.handles.has(opener)) return [];
  logins.set(opener, login);
  const retired: Handle[] = [];
  for (const handle of group.handles) {
    const earlier = logins.get(handle);
    if (earlier === undefined || earlier === login) continue;
    group.handles.delete(handle);
    handle.retire();
    retired.push(handle);
  }
  return retired;
}
