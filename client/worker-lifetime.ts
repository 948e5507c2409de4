import type { Remote } from 'comlink';
import type { WorkerError } from '../protocol/errors';
import { hubLockName, tabLockName } from '../protocol/locks';
import type { HubApi } from '../protocol/tab-hub';

/** One worker instance as this tab sees it, from its start to its death. */
export interface Incarnation {
  port: MessagePort;
  /** Resolves once the tab is attached (and, after a death, its connections re-opened). */
  hub: Promise<Remote<HubApi>>;
  dead: boolean;
  /** Whether its hub tells the tab of each send it writes (`AttachAnswer.reportsWrites`). */
  reportsWrites: boolean;
  /** Whether its hub posts `opened` for each open it takes (`AttachAnswer.tellsOpened`). */
  tellsOpened: boolean;
  /**
   * `call`'s answer, or a rejection with the death's `WorkerError` if the worker dies first:
   * a call on a dead port would never settle.
   */
  race<T>(call: Promise<T>): Promise<T>;
  markLost(error: WorkerError): void;
}

/**
 * An incarnation not attached yet (`hub` is set by the caller). It keeps the rejecters of
 * the calls in flight only, each dropped as its call settles: racing every call against one
 * promise that stays pending for the worker's whole life would keep a reaction per call on
 * it (about 300 bytes each in V8), so a tab would grow with every `send()`.
 */
export function newIncarnation(port: MessagePort): Incarnation {
  const inFlight = new Set<(error: WorkerError) => void>();
  let death: WorkerError | undefined;
  const incarnation: Incarnation = {
    port,
    hub: Promise.resolve(undefined as never),
    dead: false,
    reportsWrites: false,
    tellsOpened: false,
    race: <T>(call: Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        if (death) {
          // Settled by the death already: the call's own failure (its worker never
          // answers, or it gave up on it) is no one's to hear, and must not go unhandled.
          call.catch(() => {});
          reject(death);
          return;
        }
        inFlight.add(reject);
        call.then(resolve, reject).finally(() => inFlight.delete(reject));
      }),
    markLost(error) {
      death = error;
      for (const reject of inFlight) reject(error);
      inFlight.clear();
    },
  };
  return incarnation;
}

/**
 * Queues for the lock the worker holds for its whole life: the grant means the worker is
 * gone. `onGone` runs once the tab handled what the worker posted before it died (see
 * `afterReceived`). Without an id (a worker of an older build) or Web Locks, nothing is
 * watched.
 */
export function whenWorkerGone(hubId: string | undefined, onGone: () => void): void {
  const locks = (navigator as Navigator | undefined)?.locks;
  if (typeof hubId !== 'string' || !locks) return;
  // Shared: every tab's request is granted at once when the worker lets go, and each
  // lets go at once, as the callback returns.
  locks
    .request(hubLockName(hubId), { mode: 'shared' }, () => afterReceived(onGone))
    .catch(() => {});
}

/**
 * Runs `then` once the messages this page's ports already received are dispatched. A dying
 * worker's last words (a `written` event: the send's message id) reach the port before its
 * lock is let go, since the worker posted them while alive, and the death is told only
 * after the worker's end; yet the grant is a task of its own, which may run first, and the
 * tab that acted on the death then would close the port with them unread. A message
 * posted to the page itself goes to the back of the same queue (HTML's posted message task
 * source: each engine runs a page's MessagePort messages in the order they arrived), so it
 * comes after every message the port received before the grant. Only for a port never
 * transferred (a SharedWorker's): a dedicated worker's port is a task source of its own,
 * so sends do not count on this (`TabSend.confirms`).
 */
function afterReceived(then: () => void): void {
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => {
    port1.close();
    then();
  };
  port2.postMessage(null);
}

/** Resolves once this tab holds its lock, which it then keeps until the page goes away. */
export function holdTabLock(tabId: string): Promise<void> {
  const locks = (navigator as Navigator | undefined)?.locks;
  // Web Locks need a secure context (https or localhost): without them the worker learns
  // of a closed tab only from its pagehide, which a crash never sends.
  if (!locks) return Promise.resolve();
  return new Promise((granted) => {
    void locks.request(tabLockName(tabId), () => {
      granted();
      return new Promise<never>(() => {});
    });
  });
}
