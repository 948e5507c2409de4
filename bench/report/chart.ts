/**
 * The run's SVG chart, drawn by hand (no chart library): round-trip latency p50 (solid)
 * and p99 (dashed) against N on the left, throughput per tab against N on the right. Both
 * value axes are logarithmic: the variants differ by factors, and with a linear axis the
 * N = 1 throughput squashes N = 5 and 10 into the floor.
 */
import { TAB_COUNTS, VARIANTS } from '../config';
import type { VariantName } from '../pages/api';
import type { RunResults, SteadyFigures } from '../results';
import { LABELS } from './format';

const COLORS: Record<VariantName, string> = {
  tabsocket: '#d62728',
  'tabsocket-two-builds': '#ff7f0e',
  'tabsocket-no-shared-worker': '#8c564b',
  seed: '#7f7f7f',
  partysocket: '#1f77b4',
  rws: '#2ca02c',
  'raw-hop': '#9467bd',
};

const WIDTH = 960;
const HEIGHT = 440;
const PANEL = { width: 380, height: 260, top: 70 };
const LEFTS = [70, 550];

interface Series {
  variant: VariantName;
  dashed: boolean;
  points: Array<{ tabs: number; value: number }>;
}

export function renderChart(results: RunResults): string {
  const pick = (variant: VariantName, value: (f: SteadyFigures) => number | null) =>
    TAB_COUNTS.flatMap((tabs) => {
      const figures = results.steady.find((f) => f.variant === variant && f.tabs === tabs);
      const v = figures ? value(figures) : null;
      return v === null ? [] : [{ tabs, value: v }];
    });
  const latency: Series[] = VARIANTS.flatMap((variant) => [
    { variant, dashed: false, points: pick(variant, (f) => f.rtt.p50) },
    { variant, dashed: true, points: pick(variant, (f) => f.rtt.p99) },
  ]);
  const throughput: Series[] = VARIANTS.map((variant) => ({
    variant,
    dashed: false,
    points: pick(variant, (f) =>
      f.throughput.perSecond === null ? null : f.throughput.perSecond / 1000,
    ),
  }));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15">tabsocket bench, ${results.date.slice(0, 10)}, Chromium ${results.chromium}, ${results.machine.cores} cores</text>`,
    panel(LEFTS[0] ?? 0, 'Round trip, ms (p50 solid, p99 dashed; log scale)', latency),
    panel(LEFTS[1] ?? 0, 'Throughput, thousand frames/s per tab (log scale)', throughput),
    legend(),
    '</svg>',
    '',
  ].join('\n');
}

function panel(left: number, title: string, series: Series[]): string {
  const values = series.flatMap((s) => s.points.map((p) => p.value)).filter((v) => v > 0);
  const ticks = values.length > 0 ? logTicks(Math.min(...values), Math.max(...values)) : [1, 10];
  const low = Math.log10(ticks[0] ?? 1);
  const high = Math.log10(ticks.at(-1) ?? 10);
  const x = (tabs: number) => left + ((tabs - 1) / 9) * PANEL.width;
  const y = (value: number) =>
    PANEL.top + PANEL.height - ((Math.log10(value) - low) / (high - low)) * PANEL.height;
  const bottom = PANEL.top + PANEL.height;
  const parts = [
    `<text x="${left + PANEL.width / 2}" y="${PANEL.top - 14}" text-anchor="middle">${title}</text>`,
  ];
  for (const value of ticks) {
    parts.push(
      `<line x1="${left}" x2="${left + PANEL.width}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end">${Number(value.toPrecision(3))}</text>`,
    );
  }
  for (const tabs of TAB_COUNTS) {
    parts.push(`<text x="${x(tabs)}" y="${bottom + 18}" text-anchor="middle">${tabs}</text>`);
  }
  parts.push(
    `<text x="${left + PANEL.width / 2}" y="${bottom + 36}" text-anchor="middle">tabs (N)</text>`,
    `<line x1="${left}" x2="${left}" y1="${PANEL.top}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" x2="${left + PANEL.width}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`,
  );
  for (const { variant, dashed, points } of series) {
    const shown = points.filter((p) => p.value > 0);
    if (shown.length === 0) continue;
    const width = variant === 'tabsocket' ? 3 : 1.5;
    const path = shown.map((p) => `${x(p.tabs).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline points="${path}" fill="none" stroke="${COLORS[variant]}" stroke-width="${width}"${dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      ...shown.map(
        (p) =>
          `<circle cx="${x(p.tabs).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="${dashed ? '#fff' : COLORS[variant]}" stroke="${COLORS[variant]}"/>`,
      ),
    );
  }
  return parts.join('\n');
}

/** Four entries a line: seven labels, some long, do not fit on one. */
function legend(): string {
  const perLine = 4;
  const step = (WIDTH - 80) / perLine;
  return VARIANTS.map((variant, i) => {
    const left = 40 + (i % perLine) * step;
    const top = HEIGHT - 48 + Math.floor(i / perLine) * 22;
    return [
      `<line x1="${left}" x2="${left + 24}" y1="${top}" y2="${top}" stroke="${COLORS[variant]}" stroke-width="3"/>`,
      `<text x="${left + 30}" y="${top + 4}">${LABELS[variant]}</text>`,
    ].join('\n');
  }).join('\n');
}

/** Gridlines at 1, 2, 5 × 10^k, from the last at or below `min` to the first at or above `max`. */
function logTicks(min: number, max: number): number[] {
  const candidates: number[] = [];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power++) {
    for (const step of [1, 2, 5]) candidates.push(step * 10 ** power);
  }
  const lowest = candidates.filter((tick) => tick <= min).at(-1) ?? min;
  const highest = candidates.find((tick) => tick >= max) ?? max;
  return candidates.filter((tick) => tick >= lowest && tick <= highest);
}
