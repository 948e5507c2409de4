import type { Plan, TimedStep } from './faults';

/**
 * The world of sim/renewed-login-reload-gap.test.ts's plan (lagging channels, no
 * SharedWorkers, a server that names logins): tab 0 opens, a push, tab 1 (another build)
 * opens; `after` follows.
 */
export function renewedLoginPlan(after: TimedStep[]): Plan {
  return {
    seed: 1409943144,
    browsers: [{ sharedWorkers: false, channelLag: true }],
    steps: [
      { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
      { wait: 22, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
      { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
      ...after,
    ],
    choices: [0, 0, 2, 0, 0, 0, 0, 1],
    logins: true,
  };
}
