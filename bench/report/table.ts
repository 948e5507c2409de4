/**
 * The Markdown table of a run: one row per figure (and N), one column per variant. Every
 * other variant's cell also shows tabsocket's ratio to it, `(×r)` with r = tabsocket ÷ that
 * variant, so 0.10× sockets means a tenth of the sockets and 1.5× throughput half again as fast.
 */
import { RELAY_VARIANTS, TAB_COUNTS, VARIANTS } from '../config';
import { expectedLayout } from '../hub-layout';
import type { VariantName } from '../pages/api';
import type { RunResults, SteadyFigures } from '../results';
import { formatNumber, kb, LABELS } from './format';

/** `value` null: text only, no ratio (e.g. "stayed open"). */
type Cell = { value: number | null; text: string } | null;
type Row = { figure: string; tabs: string; cells: Map<VariantName, Cell> };

export function renderTable(results: RunResults): string {
  const rows: Row[] = [
    ...perTabCount(results, 'server sockets', (f) => f.sockets),
    ...hubRows(results),
    ...perTabCount(results, 'heartbeat frames / min', (f) => f.heartbeat.perMinute),
    ...perTabCount(results, 'RTT p50, ms', (f) => f.rtt.p50),
    ...perTabCount(results, 'RTT p99, ms', (f) => f.rtt.p99),
    ...perTabCount(results, 'throughput, frames/s per tab', (f) => f.throughput.perSecond),
    ...perTabCount(results, 'all 20,000 frames in every tab, ms', (f) => f.throughput.ms),
    ...perTabCount(results, 'tab heap', (f) => f.heap.tab, kb),
    ...perTabCount(results, 'worker heap', (f) => f.heap.worker, kb),
    once('half-open detection, ms', (v) => {
      const figures = fault(results, v);
      if (!figures) return null;
      return measured(figures.detectionMs, 'none in time');
    }),
    once('reconnect after online, ms', (v) => {
      const figures = fault(results, v);
      if (!figures) return null;
      if (!figures.closedWhileOffline) return { value: null, text: 'stayed open' };
      return measured(figures.reconnectMs, 'none in time');
    }),
    once('client min+gz (tabsocket: without comlink)', (v) =>
      bundle(results, v, v === 'tabsocket' ? 'client without comlink' : 'client'),
    ),
    once('client min+gz, with comlink', (v) =>
      v === 'tabsocket' ? bundle(results, v, 'client') : null,
    ),
    once('client with React hooks min+gz, without comlink', (v) =>
      v === 'tabsocket' ? bundle(results, v, 'client with React hooks, without comlink') : null,
    ),
    once('client with Vue composables min+gz, without comlink', (v) =>
      v === 'tabsocket' ? bundle(results, v, 'client with Vue composables, without comlink') : null,
    ),
    once('worker min+gz', (v) => bundle(results, v, 'worker')),
    once('worker min+gz, without comlink', (v) =>
      v === 'tabsocket' ? bundle(results, v, 'worker without comlink') : null,
    ),
  ];
  const header = ['figure', 'N', ...VARIANTS.map((v) => LABELS[v])];
  const lines = [row(header), row(header.map((_, i) => (i < 2 ? '---' : '---:')))];
  for (const { figure, tabs, cells } of rows) {
    const ours = cells.get('tabsocket') ?? null;
    lines.push(
      row([figure, tabs, ...VARIANTS.map((v) => cellText(cells.get(v) ?? null, v, ours))]),
    );
  }
  const { churn } = results;
  lines.push(
    '',
    anomalies(results),
    '',
    `tabsocket worker heap across ${churn.cycles.toLocaleString('en-US')} reconnect cycles ` +
      `(${churn.connections} connections, ${formatNumber(churn.ms / 1000)} s): ` +
      `${nullable(churn.heapAtBaseline, kb)} after ${churn.baselineCycles.toLocaleString('en-US')}, ` +
      `${nullable(churn.heapAtEnd, kb)} at the end, ${nullable(churn.bytesPerCycle, formatNumber)} B per cycle.`,
  );
  return lines.join('\n');
}

/** Sockets reopened or tabs left short during the per-N sessions: each skews that row. */
function anomalies(results: RunResults): string {
  const found = results.steady.flatMap((f) => {
    const notes: string[] = [];
    const reopened = f.socketsOpened - f.sockets;
    if (f.variant !== 'raw-hop' && reopened > 0) notes.push(`${reopened} socket(s) reopened`);
    const short = f.tabs - f.throughput.completeTabs;
    if (short > 0) notes.push(`${short} tab(s) short of 20,000 frames`);
    notes.push(...layoutNotes(f));
    return notes.length > 0 ? [`${LABELS[f.variant]} N=${f.tabs}: ${notes.join(', ')}`] : [];
  });
  return found.length > 0
    ? `Anomalies: ${found.join('; ')}.`
    : 'No socket reopened and every tab got every frame in the per-N sessions.';
}

/** Hubs or owners other than the variant's pages set up: the relay did not form as meant. */
function layoutNotes(f: SteadyFigures): string[] {
  const expected = expectedLayout(f.variant, f.tabs);
  if (!expected) return [];
  const notes: string[] = [];
  const hubs = f.heap.workers.length;
  if (hubs !== expected.hubs) notes.push(`${hubs} hub(s), not ${expected.hubs}`);
  const owners = f.roles?.owner ?? 0;
  if (owners !== expected.ownerTabs) {
    notes.push(`${owners} tab(s) on the owner's hub, not ${expected.ownerTabs}`);
  }
  return notes;
}

/**
 * Hubs, and which of them the tabs sit on: text only. Relay variants time their round trips
 * in a relay's tab from N = 2 on, which the cell says.
 */
function hubRows(results: RunResults): Row[] {
  return TAB_COUNTS.map((tabs) => ({
    figure: 'hubs (tabs on the owner + on relays)',
    tabs: String(tabs),
    cells: new Map(
      VARIANTS.map((variant) => {
        const f = results.steady.find((s) => s.variant === variant && s.tabs === tabs);
        if (!f?.roles) return [variant, null];
        const { owner, relay, measuring } = f.roles;
        const timed = RELAY_VARIANTS.includes(variant) ? `, RTT in ${measuring} tab` : '';
        const text = `${f.heap.workers.length} (${owner} + ${relay}${timed})`;
        return [variant, { value: null, text }];
      }),
    ),
  }));
}

export function renderGoals(results: RunResults): string {
  return results.goals
    .map(({ goal, holds, detail }) => `- ${holds ? 'holds' : 'FAILS'}: ${goal} (${detail})`)
    .join('\n');
}

function perTabCount(
  results: RunResults,
  figure: string,
  pick: (figures: SteadyFigures) => number | null,
  format: (value: number) => string = formatNumber,
): Row[] {
  return TAB_COUNTS.map((tabs) => ({
    figure,
    tabs: String(tabs),
    cells: new Map(
      VARIANTS.map((variant) => {
        const figures = results.steady.find((f) => f.variant === variant && f.tabs === tabs);
        const value = figures ? pick(figures) : null;
        return [variant, value === null ? null : { value, text: format(value) }];
      }),
    ),
  }));
}

/** A figure measured once, with one tab. */
function once(figure: string, pick: (variant: VariantName) => Cell): Row {
  return { figure, tabs: '1', cells: new Map(VARIANTS.map((variant) => [variant, pick(variant)])) };
}

function measured(value: number | null, missing: string): Cell {
  return value === null ? { value: null, text: missing } : { value, text: formatNumber(value) };
}

function fault(results: RunResults, variant: VariantName) {
  return results.faults.find((f) => f.variant === variant);
}

function bundle(results: RunResults, variant: VariantName, part: string): Cell {
  const gzip = results.bundles.find((b) => b.variant === variant && b.part === part)?.gzip;
  return gzip === undefined ? null : { value: gzip, text: kb(gzip) };
}

function cellText(cell: Cell, variant: VariantName, ours: Cell): string {
  if (!cell) return '–';
  if (variant === 'tabsocket' || ours?.value == null || !cell.value) return cell.text;
  return `${cell.text} (×${formatNumber(ours.value / cell.value)})`;
}

function nullable(value: number | null, format: (value: number) => string): string {
  return value === null ? 'n/a' : format(value);
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}
