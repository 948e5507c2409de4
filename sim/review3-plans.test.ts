/**
 * Review 3: plans the searches of this round met on the code as it is (each fails the same
 * on bd9d84c, before the fixr1 and foreign merges).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

describe('review3: plans of the searches', () => {
  // BUG (invariant: after logout no push of the old session reaches any handle). Found by
  // `npm run sim -- --seeds 3000 --seed 1011 --faults
  // reload,topics,second-handle,server-restart,socket,offline,logout,tabs --ignore "spurious
  // resync"` at run 888. One SharedWorker, WebSocket (no HTTP stream): a page reloads and the
  // browser goes offline in the instant another tab logs out and in again as the same user.
  // The socket dropped before the logout's `end` was written, so the server keeps S1; the
  // new login resumes S1 (at 3180) and both new handles hear p1 and p2 of the ended login.
  // The mechanism of sim/logout-end-attack.test.ts (seed 803: a reloaded page's cursor of
  // the ended session taken by the new login, `SharedConnection.start` checking
  // `#loggedOutSessions` only for a live owner), met here without the HTTP stream: dropping
  // such a `resumeFrom` at the top of `start` makes this plan pass (checked by hand, reverted).
  it.fails('a new login does not resume the session a logout ended while offline (seed 1011)', async () => {
    const plan: Plan = {
      seed: 0,
      browsers: [{ sharedWorkers: true }],
      steps: [
        { wait: 30, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
        { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
        { wait: 0, aim: false, step: { kind: 'offline', browser: 0, duration: 0 } },
        { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
      ],
      choices: [],
    };
    const { violations } = await runPlan(plan);
    expect(violations).toEqual([]);
  });
});
