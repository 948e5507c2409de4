import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FanoutFigure } from './fanout';
import type { LevelFigure, VariantFigure } from './run';
import type { StormFigure } from './storm';

interface Result {
  date: string;
  machine: { cpus: number; node: string; loadAverages: number[][] };
  variants: VariantFigure[];
  storms: StormFigure[];
}

const BEGIN = '<!-- bench:server:begin -->';
const END = '<!-- bench:server:end -->';
const NAMES = { bare: 'bare ws', tabsocket: 'tabsocket', redis: 'tabsocket, 2 nodes + Redis' };

const ms = (value: number | null) => (value === null ? 'not reached' : `${value.toFixed(1)} ms`);
const ratio = (value: number, floor: number | undefined) =>
  floor ? ` (×${(value / floor).toFixed(2)})` : '';

function fanoutCell(figure: FanoutFigure, floor: FanoutFigure | undefined): string {
  const short =
    figure.delivered < figure.expected ? ` **${figure.delivered}/${figure.expected}**` : '';
  return `${ms(figure.lastMs)}${ratio(figure.lastMs, floor?.lastMs)} · ${ms(figure.p50Ms)} · ${ms(figure.p99Ms)}${ratio(figure.p99Ms, floor?.p99Ms)} · ${Math.round(figure.pushesPerSecond).toLocaleString('en')}/s${short}`;
}

/** The tables of a run, also written between the markers of bench/README.md. */
export function writeReadme(result: Result): string {
  const bare = result.variants.find((variant) => variant.kind === 'bare');
  const floorAt = (sessions: number): LevelFigure | undefined =>
    bare?.levels.find((level) => level.sessions === sessions);
  const lines = [
    `Run of ${result.date}, ${result.machine.cpus} cores, Node ${result.machine.node}; load averages (1, 5, 15 min) sampled through the run: ${result.machine.loadAverages.map((load) => load.map((value) => value.toFixed(2)).join('/')).join(', ')}. Ratios (×r) are to bare ws at the same count.`,
    '',
    '| sessions | server | RSS / idle session | heap / idle session | broadcast: last · p50 · p99 · pushes/s | publish to half: last · p50 · p99 · pushes/s |',
    '| ---: | --- | ---: | ---: | --- | --- |',
  ];
  const unattached: string[] = [];
  for (const variant of result.variants) {
    for (const level of variant.levels) {
      if (level.unattached > 0) {
        unattached.push(`${NAMES[variant.kind]} at ${level.sessions}: ${level.unattached}`);
      }
      const floor = variant.kind === 'bare' ? undefined : floorAt(level.sessions);
      lines.push(
        `| ${level.sessions.toLocaleString('en')} | ${NAMES[variant.kind]} | ${(level.rssPerSession / 1024).toFixed(1)} KiB${ratio(level.rssPerSession, floor?.rssPerSession)} | ${(level.heapPerSession / 1024).toFixed(1)} KiB${ratio(level.heapPerSession, floor?.heapPerSession)} | ${fanoutCell(level.broadcast, floor?.broadcast)} | ${fanoutCell(level.publish, floor?.publish)} |`,
      );
    }
  }
  lines.push(
    '',
    '| heartbeat CPU at the largest count, idle | server CPU % of one core |',
    '| --- | ---: |',
  );
  for (const variant of result.variants) {
    if (variant.heartbeatCpuPercent === undefined) continue;
    const floor = variant.kind === 'bare' ? undefined : bare?.heartbeatCpuPercent;
    lines.push(
      `| ${NAMES[variant.kind]}, ${variant.levels.at(-1)?.sessions.toLocaleString('en')} sessions | ${variant.heartbeatCpuPercent.toFixed(2)} %${ratio(variant.heartbeatCpuPercent, floor)} |`,
    );
  }
  lines.push(
    '',
    '| storm | admission control | 99% back | all back | handshakes | peak handshakes / 100 ms (of sessions) | peak back / 100 ms | loop delay p99 · max | resumed · resynced | pushes lost · doubled · missing at end | closes |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const storm of result.storms) {
    const closes = Object.entries(storm.closes)
      .map(([code, count]) => `${code}×${count}`)
      .join(' ');
    lines.push(
      `| ${storm.name} (${storm.sessions.toLocaleString('en')}) | ${storm.admission ? (storm.departure === 'drain' ? 'drain + rate limit' : 'rate limit') : 'none'} | ${ms(storm.to99Ms)} | ${ms(storm.toAllMs)} | ${storm.handshakes} | ${storm.peakPer100Ms} (${(storm.peakShare * 100).toFixed(1)} %) | ${storm.peakBackPer100Ms} | ${storm.loopP99Ms.toFixed(0)} · ${storm.loopMaxMs.toFixed(0)} ms | ${storm.resumed} · ${storm.resynced}${storm.unattached ? ` (${storm.unattached} never attached)` : ''} | ${storm.pushes.lost} · ${storm.pushes.duplicates} · ${storm.pushes.missingAtEnd} | ${closes} |`,
    );
  }
  const table = lines.join('\n');
  const readme = fileURLToPath(new URL('../README.md', import.meta.url));
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start >= 0 && end > start) {
    writeFileSync(readme, `${text.slice(0, start + BEGIN.length)}\n${table}\n${text.slice(end)}`);
  }
  return table;
}
