/** Number formatting shared by the table and the chart. */
import type { VariantName } from '../pages/api';

export const LABELS: Record<VariantName, string> = {
  tabsocket: 'tabsocket',
  'tabsocket-two-builds': 'tabsocket, two builds',
  'tabsocket-no-shared-worker': 'tabsocket, no SharedWorker',
  seed: 'seed recipe',
  partysocket: 'partysocket',
  rws: 'reconnecting-websocket',
  'raw-hop': 'raw hop',
};

/** Three significant digits at most, no exponent: 0.912, 12.3, 1234. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** Bytes as KB of 1,024 bytes, two decimals: bundle and heap sizes. */
export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(2)} KB`;
}
