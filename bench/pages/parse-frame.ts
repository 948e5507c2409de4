import type { Sink } from './harness';

/**
 * What a per-tab app does with a text frame: skip the heartbeat's answer, parse the rest
 * as JSON, guarded (one bad frame must not break the handler). tabsocket's worker does the
 * same before the tab sees a frame, so every variant's tab gets parsed data.
 */
export function parseFrame(data: unknown, sink: Sink): void {
  if (typeof data !== 'string' || data === 'pong') return;
  try {
    sink.message(JSON.parse(data));
  } catch {
    // Not JSON: not a bench frame.
  }
}
