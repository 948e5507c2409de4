import type { Plan, TimedStep } from './faults';

/**
 * Seed 3003's plan (sim/README.md, "Reviews 14–15"): tab 0's socket drops, tabs 1 and 2
 * open and tab 0 reloads at 34, and tab 2's worker, owner of a fresh session, is killed at 35.
 * A regression plan, and the start of the plans reviews made by mutating it.
 */
export const SEED_3003: Plan = {
  seed: 1996488189,
  browsers: [{ sharedWorkers: false }],
  steps: [
    { wait: 5, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 4 } },
    { wait: 0, aim: true, step: { kind: 'push', user: 1, topic: 0, count: 1 } },
    { wait: 7, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    { wait: 10, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 1, aim: false, step: { kind: 'kill-worker', pick: 0 } },
  ],
  choices: [],
};

/** Seed 3003's plan with its first `kept` steps (all by default), then `steps`. */
export function fromSeed3003(steps: TimedStep[], kept = SEED_3003.steps.length): Plan {
  return { ...SEED_3003, steps: [...SEED_3003.steps.slice(0, kept), ...steps] };
}
