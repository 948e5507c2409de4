import type { EngineTraits } from '../engines';
import type { ScenarioContext } from '../fixtures';

/**
 * One scenario, written once and run in every engine. Where engines differ, `title` names
 * what this engine does and `run` asserts it (branching on `ctx.traits`), instead of skipping.
 */
export interface Scenario {
  title: string | ((traits: EngineTraits) => string);
  /** For scenarios that run for a set time: longer than the suite's default timeout. */
  timeout?: number;
  run(ctx: ScenarioContext): Promise<void>;
}

export function titleOf(scenario: Scenario, traits: EngineTraits): string {
  return typeof scenario.title === 'string' ? scenario.title : scenario.title(traits);
}
