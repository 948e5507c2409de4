import type { Plan, TimedStep } from './faults';

/** `count` pushes for user 0 on topic 0, `wait` ms after the step before. */
export const push = (wait: number, count: number): TimedStep => ({
  wait,
  aim: false,
  step: { kind: 'push', user: 0, topic: 0, count },
});

/**
 * The world of review 23c's plan (sim/review-23c-answer-cursor-before-verdict.test.ts:
 * SharedWorkers of two builds, lagging channels, a server that names logins): two tabs of
 * build b open, three pushes, the socket drops `dropAfter` ms later during a burst of 48 and
 * the login is renewed (the server's `resync` onto a new id); `after` follows, then one push
 * at 597 ms and one 443 ms later.
 */
export function renewedBurstPlan(
  after: TimedStep[],
  { seed = 932723712, dropAfter = 32 }: { seed?: number; dropAfter?: number } = {},
): Plan {
  return {
    seed,
    browsers: [{ sharedWorkers: true, channelLag: true }],
    steps: [
      { wait: 31, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
      { wait: 5, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
      push(31, 3),
      { wait: dropAfter, aim: false, step: { kind: 'drop-socket', pick: 0 } },
      push(0, 48),
      { wait: 0, aim: false, step: { kind: 'renew-login', browser: 0 } },
      ...after,
      push(597, 1),
      push(443, 1),
    ],
    choices: [],
    logins: true,
  };
}
