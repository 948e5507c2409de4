import type { Plan, TimedStep } from './faults';

/** `count` pushes to user 0, topic 0, `wait` ms after the step before. */
export function pushes(wait: number, count: number): TimedStep {
  return { wait, aim: false, step: { kind: 'push', user: 0, topic: 0, count } };
}

/** `count` single pushes, 2 ms apart. */
export function trickle(count: number): TimedStep[] {
  return Array.from({ length: count }, () => pushes(2, 1));
}

/**
 * Review 21e's plan (sim/review-21e-told-resync-drops-catch-up.test.ts): two tabs without
 * SharedWorkers on lagging channels hear 3 pushes; the first one's worker dies and 48 are
 * made meanwhile, more than the log keeps (`SIM_REPLAY.maxCount`, 40), so the next owner's
 * resume is answered `resync` while the other tab's fresh hub joins it; `after` follows.
 */
export function resyncAtWorkerDeath(seed: number, after: TimedStep[]): Plan {
  return {
    seed,
    browsers: [{ sharedWorkers: false, channelLag: true }],
    steps: [
      { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
      { wait: 20, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
      pushes(40, 3),
      { wait: 40, aim: false, step: { kind: 'kill-worker', pick: 0 } },
      pushes(0, 48),
      ...after,
    ],
    choices: [],
  };
}

/**
 * Review 21g's plan (sim/review-21g-reload-behind-sync.test.ts): a browser with SharedWorkers
 * and lagging channels; tab0 (build a) owns the socket, tab1 and tab2 (build b) relay
 * through their worker. They hear 3 pushes; the socket drops and 48 are made meanwhile, more
 * than the log keeps, so the owner's resume is answered `resync`. Build b's worker is killed
 * `kill` ms after them, tab2 reloads `reload` ms after the kill, and `after` follows.
 */
export function reloadAtWorkerDeath(kill: number, reload: number, after: TimedStep[]): Plan {
  return {
    seed: 3,
    browsers: [{ sharedWorkers: true, channelLag: true }],
    steps: [
      { wait: 20, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
      { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
      pushes(40, 3),
      { wait: 30, aim: false, step: { kind: 'drop-socket', pick: 0 } },
      pushes(5, 48),
      { wait: kill, aim: false, step: { kind: 'kill-worker', pick: 1 } },
      { wait: reload, aim: false, step: { kind: 'reload-tab', pick: 2 } },
      ...after,
    ],
    choices: [],
  };
}
