/**
 * `npm run sim -- --seeds N [--faults a,b] [--seed S --path P | --plan JSON] [--strict-sends]
 * [--ignore invariant,…] [--history]`: runs N schedules (or replays one, or runs one plan),
 * prints schedules per second and, for a failure, the minimal plan, its violations and the
 * commands that replay it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CHECK } from './checker';
import { ALL_FAULTS, type Plan, parseFaults } from './faults';
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
    plan: { type: 'string' },
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
if (values.plan !== undefined) {
  // A plan as JSON (what a failure prints as its minimal plan), or @file: runs it alone.
  const text = values.plan.startsWith('@')
    ? readFileSync(values.plan.slice(1), 'utf8')
    : values.plan;
  const { violations, world, tasks } = await runPlan(JSON.parse(text) as Plan, { check });
  if (values.history) console.log(world.history.lines.join('\n'));
  console.log(`${tasks} tasks, fingerprint ${world.history.fingerprint()}`);
  for (const violation of violations) console.log(`  ${violation.invariant}: ${violation.detail}`);
  process.exit(violations.length > 0 ? 1 : 0);
}

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
