/** What the handles of one connection in one tab amount to, together. */
import type { ResolvedConnectionOptions } from '../protocol/connection-options';
import type { ConnectionState } from '../protocol/state';
import type { TabUrlProvider } from '../protocol/tab-hub';
import type { TabInterest } from './tab-interest';

/** The handles of one connection in this tab, and the options they were opened with. */
export interface HandleGroup<Handle> {
  options: ResolvedConnectionOptions;
  handles: Set<Handle>;
  /** The url function of the latest `connect()`, for options whose url is one. */
  urlProvider: TabUrlProvider | undefined;
  /** What the handles listen to together, and what the worker was told of it. */
  interest: TabInterest;
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
