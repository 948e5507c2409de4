/**
 * `npm run sim -- --seeds N [--faults a,b] [--seed S --path P] [--strict-sends] [--history]`:
 * runs N schedules (or replays one), prints schedules per second and, for a failure, the
 * minimal plan, its violations and the command that replays it.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CHECK } from './checker';
import { ALL_FAULTS, parseFaults } from './faults';
import { SimulationFailure, simulate } from './property';
import { runPlan } from './run';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    seed: { type: 'string' },
    path: { type: 'string' },
    faults: { type: 'string' },
    'strict-sends': { type: 'boolean', default: false },
    ignore: { type: 'string' },
    history: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    `npm run sim -- --seeds N [--faults ${ALL_FAULTS.join(',')}] [--seed S --path P] [--strict-sends] [--history]`,
  );
  process.exit(0);
}

const faults = parseFaults(values.faults);
const check = {
  ...DEFAULT_CHECK,
  ...(values['strict-sends'] ? { workerErrorSends: 'rejected' as const } : {}),
  ...(values.ignore ? { ignore: values.ignore.split(',') } : {}),
};
const replaying = values.path !== undefined;
let runs = 0;
let tasks = 0;
const started = performance.now();
try {
  const { seed } = await simulate({
    faults,
    numRuns: replaying ? 1 : Number(values.seeds),
    ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
    ...(values.path !== undefined ? { path: values.path } : {}),
    check,
    onRun: (count) => {
      runs += 1;
      tasks += count;
    },
  });
  report();
  console.log(`seed ${seed}: ${runs} schedules, no violation (faults: ${[...faults].join(',')})`);
} catch (error) {
  report();
  if (!(error instanceof SimulationFailure)) throw error;
  console.log(error.message);
  if (values.history && error.plan) {
    const { world } = await runPlan(error.plan, { check });
    console.log(world.history.lines.join('\n'));
  }
  process.exitCode = 1;
}

function report(): void {
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${runs} schedules in ${seconds.toFixed(1)} s: ${(runs / seconds).toFixed(1)} schedules/s, ${Math.round(tasks / Math.max(runs, 1))} tasks each`,
  );
}
