/**
 * Serves the built bench pages on 127.0.0.1, cross-origin isolated (COOP/COEP): such a page
 * (and its worker) gets `performance.now()` at 5 µs instead of 100 µs, and round trips here
 * last about half a millisecond.
 */
import { type StaticServer, startStaticServer } from '../e2e/support/static-server';

export type AppServer = StaticServer;

const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export function startAppServer(dir: string): Promise<AppServer> {
  return startStaticServer(dir, ISOLATION);
}
