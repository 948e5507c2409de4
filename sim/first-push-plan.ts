import type { Plan } from './faults';

/**
 * Review 20c's lagging relay (sim/review-20c-lagging-relay-first-push.test.ts): two tabs
 * open beside the first one, without SharedWorkers, on lagging channels, and one push
 * follows; `seed` is the world's.
 */
export function firstPushOnLaggingChannels(seed: number): Plan {
  return {
    seed,
    browsers: [{ sharedWorkers: false, channelLag: true }],
    steps: [
      { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
      { wait: 2, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
      { wait: 33, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    ],
    choices: [],
  };
}
