import {
  type ConnectionOptions,
  resolveOptions,
  URL_PROVIDED,
} from '../protocol/connection-options';
import { InvalidOptionError } from '../protocol/errors';
import { fail } from '../protocol/option-checks';
import { type DebugLogger, logToConsole } from './debug-log';
import { startDedicatedWorker, startDefaultWorker } from './default-worker';
import { HubClient } from './hub-client';
import { inBrowser, serverRenderHandle } from './server-render';
import { type TabSocket, TabSocketHandle } from './tab-socket';
import { tabUrlProvider } from './url-provider';

export interface ConnectOptions extends ConnectionOptions {
  /**
   * The SharedWorker to use, when the app builds its own from `tabsocket/worker`'s `serve()`:
   * a function that returns one (`() => new SharedWorker(url, options)`), called now and
   * again whenever the worker dies, or a SharedWorker instance, which tabsocket cannot start
   * again: when it dies, the handles go `failed` (reason `worker-lost`) with a `WorkerError`.
   * One that does not answer the tab within 8 s, or whose script does not load, makes them
   * `failed` (reason `worker-silent`).
   * Default: the package's worker, started again when it dies. Without SharedWorker support
   * (older Chrome for Android, WebViews) the hub runs in a dedicated worker of each page
   * instead, and those hubs still share one socket (one owns it, the others relay).
   */
  worker?: SharedWorker | (() => SharedWorker);
  /**
   * Logs every state change of this handle (reason, close code, attempt, delay: a heartbeat
   * miss too) and every error in this tab's console (`true`), or hands each line to a
   * function. The worker's console is hidden in most browsers; this one is not. Default off.
   */
  debug?: boolean | DebugLogger;
}

type WorkerOption = NonNullable<ConnectOptions['worker']>;

/** One hub client per worker in this tab: every `connect()` on it shares the tab id and lock. */
const hubClients = new Map<WorkerOption | 'default', HubClient>();

/**
 * Connects this tab to the shared connection `options.name`: starts or joins the worker and
 * opens the socket if no tab has yet. Throws `InvalidOptionError` at once for bad options,
 * before anything reaches the worker. During server rendering (no page) the handle stays
 * `idle` and starts nothing.
 */
export function connect(options: ConnectOptions): TabSocket {
  const resolved = resolveOptions(options, globalThis.location?.href, ['worker', 'debug']);
  const { worker, debug, url } = options;
  if (worker !== undefined && typeof worker !== 'function') checkWorker(worker);
  if (debug !== undefined && typeof debug !== 'boolean' && typeof debug !== 'function') {
    fail('debug', 'must be a boolean or a function', debug);
  }
  // The worker's name for a url function is no url: with no function behind it, every
  // attempt would fail and be retried.
  if (url === URL_PROVIDED) fail('url', 'is the name a url function takes in the worker', url);
  if (!inBrowser()) return serverRenderHandle(resolved.name);
  const key = worker ?? 'default';
  let hubClient = hubClients.get(key);
  if (!hubClient) {
    hubClient = startHubClient(worker);
    hubClients.set(key, hubClient);
  }
  const handle = new TabSocketHandle(resolved.name, hubClient, resolved.limits.maxTopicLength);
  if (debug) logToConsole(handle, debug);
  hubClient.open(handle, resolved, typeof url === 'function' ? tabUrlProvider(url) : undefined);
  return handle;
}

const WORKER_OPTION =
  'tabsocket: option "worker" must be a SharedWorker or a function that returns one';

function checkWorker(worker: unknown): SharedWorker {
  if (typeof SharedWorker !== 'undefined' && worker instanceof SharedWorker) return worker;
  throw new InvalidOptionError(WORKER_OPTION);
}

/** A client that starts its worker again when it dies, unless the app gave an instance. */
function startHubClient(worker: WorkerOption | undefined): HubClient {
  if (worker === undefined && typeof SharedWorker === 'undefined') {
    return new HubClient(startDedicatedWorker, true);
  }
  if (worker !== undefined && typeof worker !== 'function') {
    return new HubClient(() => ({ worker, port: worker.port }), false);
  }
  if (worker === undefined) return new HubClient(startDefaultWorker, true);
  return new HubClient(() => {
    // The app's function is checked each time it runs: what it returned the first time
    // throws here from connect(); after a death, the handles hear of it.
    const shared = checkWorker(worker());
    return { worker: shared, port: shared.port };
  }, true);
}
