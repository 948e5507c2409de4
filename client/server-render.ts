import { WorkerError } from '../protocol/errors';
import { type HandleHost, TabSocketHandle } from './tab-socket';

/**
 * Whether this runs where a worker can start: a page, or a worker's own scope. Server
 * rendering (Node, Deno, Bun) is neither, whatever globals its runtime has (Deno and Bun
 * have `navigator` and `Worker`). Only `typeof` looks: nothing is read.
 */
export function inBrowser(): boolean {
  return typeof window !== 'undefined' || typeof WorkerGlobalScope !== 'undefined';
}

declare const WorkerGlobalScope: unknown;

const NOT_IN_BROWSER =
  'tabsocket: this handle was made by connect() during server rendering, where no worker runs: it stays idle and sends nothing; connect in the page (an effect, onMounted)';

/**
 * What `connect()` gives during server rendering: a handle that stays `idle`, so that the
 * page renders its initial state, and that never reaches a worker. A send rejects at once
 * (nothing would ever write it); leaving, closing and inspecting have nothing to act on.
 */
export function serverRenderHandle(name: string): TabSocketHandle {
  const host: HandleHost = {
    tabId: '',
    send: () => Promise.reject(new WorkerError(NOT_IN_BROWSER)),
    close: () => Promise.resolve(),
    release: () => Promise.resolve(),
    inspect: () => Promise.resolve(undefined),
    interestChanged: () => {},
  };
  return new TabSocketHandle(name, host);
}
