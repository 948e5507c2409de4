import type { Remote } from 'comlink';
import type { WorkerError } from '../protocol/errors';
import { tabLockName, workerLockName } from '../protocol/locks';
import type { HubApi } from '../protocol/tab-hub';

/** One worker instance as this tab sees it, from its start to its death. */
export interface Incarnation {
  port: MessagePort;
  /** Resolves once the tab is attached (and, after a death, its connections re-opened). */
  hub: Promise<Remote<HubApi>>;
  dead: boolean;
  /** Whether its hub tells the tab of each send it writes (`AttachAnswer.reportsWrites`). */
  reportsWrites: boolean;
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
    race: <T>(call: Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        if (death) {
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
 * gone. Without an id (a worker of an older build) or Web Locks, nothing is watched.
 */
export function whenWorkerGone(workerId: string | undefined, onGone: () => void): void {
  const locks = (navigator as Navigator | undefined)?.locks;
  if (typeof workerId !== 'string' || !locks) return;
  // Shared: every tab's request is granted at once when the worker lets go, and each
  // lets go at once, as the callback returns.
  locks.request(workerLockName(workerId), { mode: 'shared' }, onGone).catch(() => {});
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
