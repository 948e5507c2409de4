import { InvalidOptionError } from '../worker/errors/invalid-option-error';
import { type ConnectionOptions, resolveOptions } from '../worker/options';
import { startDefaultWorker } from './default-worker';
import { TabSession } from './tab-session';
import { type TabSocket, TabSocketHandle } from './tab-socket';

export interface ConnectOptions extends ConnectionOptions {
  /**
   * The SharedWorker to use, when the app builds its own from `tabsocket/worker`'s `serve()`.
   * Default: the package's worker. Without SharedWorker support (Chrome for Android) the
   * worker's hub runs inside the page instead: one socket per tab, same API.
   */
  worker?: SharedWorker;
}

/** One session per worker in this tab: every `connect()` on it shares the tab id and lock. */
const sessions = new Map<SharedWorker | 'default', TabSession>();

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
  let session = sessions.get(key);
  if (!session) {
    session = startSession(worker);
    sessions.set(key, session);
  }
  const handle = new TabSocketHandle(resolved.name, session);
  session.open(handle, resolved);
  return handle;
}

function startSession(worker: SharedWorker | undefined): TabSession {
  if (worker === undefined && typeof SharedWorker === 'undefined') {
    return new TabSession(startInPageHub());
  }
  const shared = worker ?? startDefaultWorker();
  const session = new TabSession(Promise.resolve(shared.port));
  shared.addEventListener('error', (event) => session.workerFailed(event));
  return session;
}

/** The fallback: the same hub, loaded on demand and run in this page behind a MessageChannel. */
async function startInPageHub(): Promise<MessagePort> {
  const { createHub, exposeHub } = await import('../worker/serve');
  const { port1, port2 } = new MessageChannel();
  exposeHub(createHub(), port2);
  return port1;
}
