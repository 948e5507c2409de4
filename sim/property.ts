/**
 * The simulation as a fast-check property: a plan (browsers, timed steps, scheduling
 * choices) is generated, run, and checked; a failing plan is shrunk to a minimal one, and
 * fast-check's seed and path replay it.
 */
import fc from 'fast-check';
import { type CheckOptions, DEFAULT_CHECK } from './checker';
import { type FaultKind, type Plan, planArbitrary } from './faults';
import type { Violation } from './history';
import { runPlan } from './run';
import type { WorldRedis } from './world';

export interface SimulationOptions {
  faults: ReadonlySet<FaultKind>;
  numRuns: number;
  seed?: number;
  path?: string;
  maxSteps?: number;
  check?: CheckOptions;
  /** A real Redis for each run's sessions (sim/redis.test.ts); the in-memory store without. */
  redis?: () => WorldRedis;
  /** Called after each run, for progress figures. */
  onRun?: (tasks: number) => void;
}

export class SimulationFailure extends Error {
  constructor(
    message: string,
    readonly seed: number,
    readonly path: string | undefined,
    readonly plan: Plan | undefined,
    readonly violations: Violation[],
  ) {
    super(message);
  }
}

export function simulationProperty(options: SimulationOptions) {
  let lastViolations: Violation[] = [];
  const property = fc.asyncProperty(
    planArbitrary(options.faults, options.maxSteps),
    async (plan) => {
      const result = await runPlan(plan, {
        check: options.check ?? DEFAULT_CHECK,
        ...(options.redis ? { redis: options.redis() } : {}),
      });
      options.onRun?.(result.tasks);
      lastViolations = result.violations;
      return result.violations.length === 0;
    },
  );
  return { property, violations: () => lastViolations };
}

/** Runs the property; throws `SimulationFailure` with the replay command when a plan fails. */
export async function simulate(
  options: SimulationOptions,
): Promise<{ seed: number; runs: number }> {
  const { property, violations } = simulationProperty(options);
  const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const details = await fc.check(property, {
    seed,
    numRuns: options.numRuns,
    ...(options.path ? { path: options.path } : {}),
    endOnFailure: false,
  });
  if (!details.failed) return { seed, runs: details.numRuns };
  const plan = details.counterexample?.[0];
  // The last run of the shrinking is the minimal failing plan: run it again for its violations.
  const minimal = plan
    ? (
        await runPlan(plan, {
          check: options.check ?? DEFAULT_CHECK,
          ...(options.redis ? { redis: options.redis() } : {}),
        })
      ).violations
    : violations();
  const faults = [...options.faults].join(',');
  const check = options.check ?? DEFAULT_CHECK;
  const flags = [
    check.workerErrorSends === 'rejected' ? ' --strict-sends' : '',
    check.ignore?.length ? ` --ignore '${check.ignore.join(',')}'` : '',
  ].join('');
  const replay = `npm run sim -- --seed ${details.seed} --path ${details.counterexamplePath} --faults ${faults}${flags}`;
  const lines = [
    `simulation failed after ${details.numRuns} runs (${details.numShrinks} shrinks)`,
    ...minimal.map((violation) => `  ${violation.invariant}: ${violation.detail}`),
    ...(details.errorInstance ? [`  error: ${String(details.errorInstance)}`] : []),
    `minimal plan: ${JSON.stringify(plan)}`,
    `replay: ${replay}`,
    `or the plan alone: npm run sim -- --plan '${JSON.stringify(plan)}'${flags} --history`,
  ];
  throw new SimulationFailure(
    lines.join('\n'),
    details.seed,
    details.counterexamplePath ?? undefined,
    plan,
    minimal,
  );
}
