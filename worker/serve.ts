import { expose } from 'comlink';
import { systemClock } from '../protocol/clock';
import { Hub, type HubEnvironment } from './hub/hub';
import { nextTask } from './platform';

/** What `serve` listens on: a SharedWorker's global scope (`self`). */
export interface ConnectScope {
  addEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
}

/** Replacements for the browser's parts, for tests and unusual hosts. All optional. */
export type ServeOptions = Partial<HubEnvironment>;

/** A hub with the browser's WebSocket and HTTP stream, clock, randomness and Web Locks, unless replaced. */
export function createHub(options: ServeOptions = {}): Hub {
  const clock = options.clock ?? systemClock;
  // The stream's code is a chunk of its own, fetched when the policy first takes it.
  const loadStream = async () =>
    (await import('./socket/http-stream-socket')).browserStreams(clock);
  const streams = typeof EventSource === 'function' && typeof fetch === 'function';
  return new Hub({
    clock: systemClock,
    random: Math.random,
    createSocket: (url, protocols) => new WebSocket(url, protocols),
    ...(streams ? { loadStream } : {}),
    locks: (globalThis.navigator as Navigator | undefined)?.locks,
    schedule: options.schedule ?? nextTask(),
    openChannel:
      typeof BroadcastChannel === 'function' ? (name) => new BroadcastChannel(name) : undefined,
    build: globalThis.location?.href ?? '',
    ...options,
  });
}

/** Answers the tab on `port`: commands through comlink, events back on the same port. */
export function exposeHub(hub: Hub, port: MessagePort): void {
  expose(hub.api(port), port);
}

/**
 * Runs tabsocket in a SharedWorker: call it once in your worker script.
 *
 * ```ts
 * import { serve } from 'tabsocket/worker';
 * serve(self);
 * ```
 */
export function serve(scope: ConnectScope, options: ServeOptions = {}): Hub {
  const hub = createHub(options);
  scope.addEventListener('connect', (event) => {
    const [port] = event.ports;
    if (port) exposeHub(hub, port);
  });
  return hub;
}
