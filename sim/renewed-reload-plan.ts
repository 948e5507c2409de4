import type { Plan, TimedStep } from './faults';

/**
 * The world of review 22c's renewed-login plans (sim/review-22c-late-join-open-unheard.test.ts:
 * lagging channels, no SharedWorkers, a server that names logins): tab 0 opens, a push, a
 * send, tab 1 (another build) opens, the login is renewed in the ms of tab 0's reload;
 * `after` follows.
 */
export function renewedReloadPlan(after: TimedStep[] = []): Plan {
  return {
    seed: 425547348,
    browsers: [{ sharedWorkers: false, channelLag: true }],
    steps: [
      { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
      { wait: 22, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
      { wait: 0, aim: true, step: { kind: 'send', pick: 5, count: 1 } },
      { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
      { wait: 0, aim: false, step: { kind: 'renew-login', browser: 0 } },
      { wait: 0, aim: true, step: { kind: 'reload-tab', pick: 0 } },
      ...after,
    ],
    choices: [2, 1, 0, 0],
    logins: true,
  };
}
