import { type ConnectionOptions, resolveOptions } from '../protocol/connection-options';
import { InvalidOptionError } from '../protocol/errors';
import { startDedicatedWorker, startDefaultWorker } from './default-worker';
import { HubClient } from './hub-client';
import { type TabSocket, TabSocketHandle } from './tab-socket';

export interface ConnectOptions extends ConnectionOptions {
  /**
   * The SharedWorker to use, when the app builds its own from `tabsocket/worker`'s `serve()`.
   * Default: the package's worker. Without SharedWorker support (Chrome for Android) the
   * worker's hub runs inside the page instead: one socket per tab, same API.
   */
  worker?: SharedWorker;
}

/** One hub client per worker in this tab: every `connect()` on it shares the tab id and lock. */
const hubClients = new Map<SharedWorker | 'default', HubClient>();

/**
 * Connects this tab to the shared connection `options.name`: starts or joins the worker and
 * opens the socket if no tab has yet. Throws `InvalidOptionError` at once for bad options,
 * before anything reaches the worker.
 */
export function connect(options: ConnectOptions): TabSocket {
  const resolved = resolveOptions(options, globalThis.location?.href, ['worker']);
  const worker = options.worker;
  if (
    worker !== undefined &&
    !(typeof SharedWorker !== 'undefined' && worker instanceof SharedWorker)
  ) {
    throw new InvalidOptionError('tabsocket: option "worker" must be a SharedWorker');
  }
  const key = worker ?? 'default';
  let hubClient = hubClients.get(key);
  if (!hubClient) {
    hubClient = startHubClient(worker);
    hubClients.set(key, hubClient);
  }
  const handle = new TabSocketHandle(resolved.name, hubClient);
  hubClient.open(handle, resolved);
  return handle;
}

function startHubClient(worker: SharedWorker | undefined): HubClient {
  if (worker === undefined && typeof SharedWorker === 'undefined') {
    const dedicated = startDedicatedWorker();
    return new HubClient(dedicated.worker, dedicated.port);
  }
  const shared = worker ?? startDefaultWorker();
  return new HubClient(shared, shared.port);
}
