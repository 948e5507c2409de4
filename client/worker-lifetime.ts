import type { Remote } from 'comlink';
import type { WorkerError } from '../protocol/errors';
import { tabLockName, workerLockName } from '../protocol/locks';
import type { HubApi } from '../protocol/tab-hub';

/** One worker instance as this tab sees it, from its start to its death. */
export interface Incarnation {
  port: MessagePort;
  /** Resolves once the tab is attached (and, after a death, its connections re-opened). */
  hub: Promise<Remote<HubApi>>;
  /** Rejects with `WorkerError` when the worker is found dead: every pending call races it. */
  lost: Promise<never>;
  dead: boolean;
  markLost(error: WorkerError): void;
}

/** An incarnation not attached yet: `hub` is set by the caller, `lost` rejects on `markLost`. */
export function newIncarnation(port: MessagePort): Incarnation {
  let markLost: (error: WorkerError) => void = () => {};
  const lost = new Promise<never>((_, reject) => {
    markLost = reject;
  });
  lost.catch(() => {});
  return { port, lost, dead: false, markLost, hub: Promise.resolve(undefined as never) };
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
