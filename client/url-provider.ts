import { proxy } from 'comlink';
import { type UrlProvider, webSocketUrl } from '../protocol/connection-options';
import type { TabUrlProvider } from '../protocol/tab-hub';

/**
 * The app's url function as the worker calls it across the port: relative and `http(s):`
 * urls are made `ws(s):` ones against this page, which the worker cannot see; a throw, or a
 * url that is not one, rejects, and the worker fails that attempt with `UrlProviderError`.
 */
export function tabUrlProvider(provider: UrlProvider): TabUrlProvider {
  return proxy(async () => webSocketUrl(await provider(), 'url', globalThis.location?.href));
}
