import type { TabEvent, TabEventMessage } from '../../protocol/tab-hub';
import { TabRegistry } from '../hub/registry';

/** A wall-clock reading of 2023, where the clock-step tests start. */
export const T = 1_700_000_000_000;

/** One wall clock for every context of the browser, as a step moves them all. */
export function browser() {
  let now = T;
  const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  return { clock, set: (at: number) => (now = at) };
}

/** A hub's tabs, as `TabRegistry` reaches them, and what each heard: `[seqs, told seq]` per batch. */
export function tabsOf() {
  const registry = new TabRegistry(
    undefined,
    () => {},
    () => {},
  );
  const events = new Map<string, TabEvent[]>();
  const attach = (tabId: string) => {
    const heard: TabEvent[] = [];
    events.set(tabId, heard);
    registry.add(tabId, { postMessage: (m: TabEventMessage) => heard.push(m.tabsocket) });
  };
  const heardBy = (tabId: string) =>
    (events.get(tabId) ?? []).flatMap((event) =>
      event.kind === 'frames' ? [event.frames.map((frame) => frame.seq), event.seq ?? null] : [],
    );
  return { registry, attach, heardBy };
}
