/**
 * A second tab opens without a cursor while the first one's hub owns the socket, no
 * SharedWorkers, lagging channels; a push follows within the join's way to the owner. Its
 * hub relays, and the owner, with no peer yet, posts that push to no one: before round 21,
 * the tab's stream began at the owner's answer and the push was lost in silence in 82 of
 * these 240 plans (`lostInSilence`; the checker's gap rule sees no gap before a handle's
 * first push). The join now says when its tabs opened (`since`), and the owner's catch-up
 * holds what it heard since then (worker/share/relay-join-since.test.ts).
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { lostInSilence } from './lost-in-silence';
import { runPlan } from './run';

/** The world's seed, and how long after the second tab opens the push is made. */
function plan(seed: number, wait: number): Plan {
  return {
    seed,
    browsers: [{ sharedWorkers: false, channelLag: true }],
    steps: [
      { wait: 40, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
      { wait, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    ],
    choices: [],
  };
}

it('tells a tab of a relaying hub every push made after it opened', async () => {
  const found: string[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    for (const wait of [1, 3, 6, 10, 15, 25]) {
      const { violations, world } = await runPlan(plan(seed, wait));
      const lost = [
        ...violations.map((violation) => violation.invariant),
        ...lostInSilence(world.history),
      ];
      if (lost.length > 0) found.push(`seed ${seed}, push at +${wait}: ${lost.join('; ')}`);
    }
  }
  expect(found).toEqual([]);
}, 120_000);
