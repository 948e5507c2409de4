/**
 * The CI seed set of the simulation (sim/README.md): a fixed seed per fault kind, so a
 * failure names the kind, and the determinism check. `npm run sim -- --seeds N` runs more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHECK } from './checker';
import { ALL_FAULTS, type FaultKind, planArbitrary } from './faults';
import { simulate } from './property';
import { runPlan } from './run';

/** Schedules per fault kind, and for all of them together. */
const RUNS_PER_KIND = 500;
const RUNS_ALL = 2_000;
const SEED = 19;

/** The invariant row 15 of sim/README.md breaks (see below). */
const KNOWN_DEDICATED_WORKER_LOSS = 'send written twice';

describe('the simulation', () => {
  it('gives the same history for the same seed, twice', async () => {
    const plans = fc.sample(planArbitrary(new Set(ALL_FAULTS)), { seed: SEED, numRuns: 5 });
    for (const plan of plans) {
      const first = await runPlan(plan, { trace: true });
      const second = await runPlan(plan, { trace: true });
      expect(second.world.history.lines).toEqual(first.world.history.lines);
      expect(second.world.sim.trace).toEqual(first.world.sim.trace);
      expect(second.fingerprint).toBe(first.fingerprint);
    }
  });

  for (const kind of [...ALL_FAULTS, 'all' as const]) {
    it(`holds every invariant under ${kind === 'all' ? 'all faults at once' : `faults "${kind}"`}`, async () => {
      const faults = new Set<FaultKind>(kind === 'all' ? ALL_FAULTS : [kind]);
      // Where pages run without SharedWorker, a send written as its dedicated worker dies may
      // go twice: the one open loss (sim/README.md, row 15; docs/design.md, Limits of the guarantees). The other
      // kinds, in browsers with SharedWorker, hold sends to once.
      const withDedicatedWorkers = faults.has('no-shared-worker');
      await simulate({
        faults,
        numRuns: kind === 'all' ? RUNS_ALL : RUNS_PER_KIND,
        seed: SEED,
        ...(withDedicatedWorkers
          ? { check: { ...DEFAULT_CHECK, ignore: [KNOWN_DEDICATED_WORKER_LOSS] } }
          : {}),
      });
    }, 120_000);
  }
});
