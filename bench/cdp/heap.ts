/**
 * JS heap in use, read after a forced GC so the figure is what stays alive rather than
 * garbage waiting to be collected.
 */
import type { RawContext, RawTab } from './raw-context';
import type { TargetSession } from './target-session';

/** Bytes of JS heap the target (a tab or a worker) keeps after GC. */
export async function heapAfterGc(target: TargetSession): Promise<number> {
  await target.call('HeapProfiler.collectGarbage');
  const { usedSize } = (await target.call('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize;
}

/** Bytes of JS heap the context's SharedWorker keeps after GC, or null if it runs none. */
export async function workerHeap(context: RawContext): Promise<number | null> {
  const workers = await context.sharedWorkers();
  try {
    if (workers.length > 1) throw new Error(`${workers.length} shared workers in one context`);
    const [worker] = workers;
    return worker ? await heapAfterGc(worker) : null;
  } finally {
    await Promise.all(workers.map((worker) => worker.detach()));
  }
}

/**
 * Bytes of JS heap each worker of the session keeps after GC, SharedWorkers and the tabs'
 * dedicated workers alike: with tabsocket, one per hub.
 */
export async function hubHeaps(context: RawContext, tabs: readonly RawTab[]): Promise<number[]> {
  const dedicated = await Promise.all(tabs.map((tab) => tab.dedicatedWorkers()));
  const workers = [...(await context.sharedWorkers()), ...dedicated.flat()];
  try {
    return await Promise.all(workers.map((worker) => heapAfterGc(worker)));
  } finally {
    await Promise.all(workers.map((worker) => worker.detach()));
  }
}
