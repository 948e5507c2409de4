/** The issue's "Done when" goals, judged on a run's figures. */
import { FAULT_HEARTBEAT, RELAY_VARIANTS, TAB_COUNTS } from '../config';
import { expectedLayout } from '../hub-layout';
import type { VariantName } from '../pages/api';
import type { Goal, RunResults, SteadyFigures } from '../results';
import { formatNumber, kb, LABELS } from './format';

const MAX_RUN_MS = 3 * 60_000;
const KB = 1024;

export function judgeGoals(results: Omit<RunResults, 'goals'>): Goal[] {
  const steady = (variant: VariantName, tabs: number): SteadyFigures | undefined =>
    results.steady.find((f) => f.variant === variant && f.tabs === tabs);
  const gzip = (part: string) =>
    results.bundles.find((b) => b.variant === 'tabsocket' && b.part === part)?.gzip ?? Infinity;
  const perTabCount = (ratio: (tabs: number) => number | null, bound: (r: number) => boolean) => {
    const ratios = TAB_COUNTS.map((tabs) => ({ tabs, r: ratio(tabs) }));
    return {
      holds: ratios.every(({ r }) => r !== null && bound(r)),
      detail: ratios
        .map(({ tabs, r }) => `N=${tabs}: ${r === null ? 'n/a' : `${formatNumber(r)}×`}`)
        .join(', '),
    };
  };

  const ten = steady('tabsocket', 10);
  const lifespan = FAULT_HEARTBEAT.interval + FAULT_HEARTBEAT.timeout;
  const detection = results.faults.find((f) => f.variant === 'tabsocket')?.detectionMs ?? null;
  return [
    {
      goal: '`npm run bench` finishes in ≤ 3 min',
      holds: results.durationMs <= MAX_RUN_MS,
      detail: `${formatNumber(results.durationMs / 1000)} s`,
    },
    {
      goal: 'sockets 1 for 10 tabs',
      holds: ten?.sockets === 1 && ten.socketsOpened === 1,
      detail: `${ten?.sockets ?? 'n/a'} open, ${ten?.socketsOpened ?? 'n/a'} opened in the session`,
    },
    {
      goal: 'p50 RTT ≤ 1.25× per-tab partysocket',
      ...perTabCount(
        (tabs) => ratio(steady('tabsocket', tabs)?.rtt.p50, steady('partysocket', tabs)?.rtt.p50),
        (r) => r <= 1.25,
      ),
    },
    {
      goal: 'throughput ≥ 0.8× raw hop',
      ...perTabCount(
        (tabs) =>
          ratio(
            steady('tabsocket', tabs)?.throughput.perSecond,
            steady('raw-hop', tabs)?.throughput.perSecond,
          ),
        (r) => r >= 0.8,
      ),
    },
    {
      goal: 'detection ≤ 1.05 × (interval + timeout)',
      holds: detection !== null && detection <= 1.05 * lifespan,
      detail: `${detection === null ? 'none' : `${formatNumber(detection)} ms`} ≤ ${formatNumber(1.05 * lifespan)} ms`,
    },
    {
      goal: 'client ≤ 1.5 KB min+gz without comlink',
      holds: gzip('client without comlink') <= 1.5 * KB,
      detail: kb(gzip('client without comlink')),
    },
    {
      goal: 'worker ≤ 4 KB min+gz',
      holds: gzip('worker') <= 4 * KB,
      detail: `${kb(gzip('worker'))} as shipped; ${kb(gzip('worker without comlink'))} without comlink`,
    },
    ...RELAY_VARIANTS.map((variant) => oneSocket(variant, steady(variant, 10))),
    {
      goal: 'Redis fan-out to 1,000 sessions ≥ 0.5× memory',
      holds: results.stores.fanoutRatio >= 0.5,
      detail:
        `${formatNumber(results.stores.fanoutRatio)}× (${formatNumber(results.stores.fanoutPerSecond.redis)} against ` +
        `${formatNumber(results.stores.fanoutPerSecond.memory)} session pushes/s); resume p50 ` +
        `${formatNumber(results.stores.resumeMs.redis.p50)} ms on Redis, ${formatNumber(results.stores.resumeMs.memory.p50)} ms in memory`,
    },
  ];
}

/** Issue 11: several hubs, one socket, and every tab, relays' too, gets every frame. */
function oneSocket(variant: VariantName, ten: SteadyFigures | undefined): Goal {
  const expected = expectedLayout(variant, 10);
  const hubs = ten?.heap.workers.length;
  return {
    goal: `${LABELS[variant]}: 1 socket for 10 tabs on ${expected?.hubs} hubs, all frames in every tab`,
    holds:
      ten?.sockets === 1 &&
      ten.socketsOpened === 1 &&
      hubs === expected?.hubs &&
      ten.throughput.completeTabs === 10,
    detail: ten
      ? `${ten.sockets} open, ${ten.socketsOpened} opened, ${hubs} hubs, ` +
        `${ten.throughput.completeTabs} of 10 tabs complete`
      : 'n/a',
  };
}

function ratio(ours: number | null | undefined, theirs: number | null | undefined): number | null {
  return ours == null || theirs == null || theirs === 0 ? null : ours / theirs;
}
