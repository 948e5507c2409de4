/**
 * The multi-tab scenarios, defined once (scenarios/), run in Chromium, Firefox and WebKit.
 * Each engine runs in a worker of its own (its `engineName` option), which starts the engine
 * once and gives every test a fresh profile in it.
 */
import { ENGINES } from './engines';
import { test } from './fixtures';
import { SCENARIOS } from './scenarios';
import { titleOf } from './scenarios/scenario';

for (const engine of ENGINES) {
  test.describe(engine.name, () => {
    test.use({ engineName: engine.name });
    for (const scenario of SCENARIOS) {
      test(titleOf(scenario, engine.traits), async ({ ctx }) => {
        if (scenario.timeout) test.setTimeout(scenario.timeout);
        await scenario.run(ctx);
      });
    }
  });
}
