/**
 * `npm run bench:stores`: only the session-store phase of the bench (memory against Redis),
 * printed, without a browser: `npm run bench` runs it too and keeps it in its results.
 */

import { FANOUT, measureStores } from './phases/stores';
import { formatNumber } from './report/format';

const figures = await measureStores();
const { memory, redis } = figures.fanoutPerSecond;
console.log(
  `fan-out to ${FANOUT.sessions} sessions, ${FANOUT.pushes} broadcasts: ` +
    `${formatNumber(redis)} session pushes/s on Redis, ${formatNumber(memory)} in memory ` +
    `(${formatNumber(figures.fanoutRatio)}×)`,
);
const ms = (summary: { p50: number; p99: number }) =>
  `${summary.p50.toFixed(3)} ms (p99 ${summary.p99.toFixed(3)})`;
console.log(
  `resume after 50 of 100 pushes: ${ms(figures.resumeMs.redis)} on Redis, ${ms(figures.resumeMs.memory)} in memory`,
);
