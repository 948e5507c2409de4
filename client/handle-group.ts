/** What the handles of one connection in one tab amount to, together. */
import type { ResolvedConnectionOptions } from '../protocol/connection-options';
import type { ConnectionState } from '../protocol/state';
import type { Interest, TabUrlProvider } from '../protocol/tab-hub';

/** The handles of one connection in this tab, and the options they were opened with. */
export interface HandleGroup<Handle> {
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
  return current.url !== next.url || loginEnded(handles);
}

/** Whether the login of these handles ended: closed (a logout) or failed for good. */
export function loginEnded(handles: Iterable<{ readonly state: ConnectionState }>): boolean {
  const [any] = handles;
  return any?.state === 'closed' || any?.state === 'failed';
}
