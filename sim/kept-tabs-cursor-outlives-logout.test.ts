/**
 * Review 14 (an attack on 97fd1db, seed 4601's fix): a hub that keeps its tabs' cursor of
 * S1 over an owner's fresh session never tells its tabs the fresh session, so a logout that
 * ended only that fresh session leaves S1 in the page, and the next login resumes it.
 * Found by mutating seed 3003's plan (sim/regressions.test.ts: one `kill-worker` and one
 * `login` added), shrunk.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 1996488189,
  browsers: [{ sharedWorkers: false, channelLag: false }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 4 } },
    { wait: 7, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    { wait: 10, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 1, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 1, aim: false, step: { kind: 'login', pick: 6, user: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 4 } },
  ],
  choices: [],
};

describe('a cursor kept over a fresh session, then a logout in the next tab', () => {
  // Invariant: after a logout no push of the logged-out session reaches any handle
  // (sim/README.md "Invariants"). Severity: high (every page of the next login of the same
  // user follows the logged-out session for good; another user's token is refused by the
  // server, which answers resync, so no foreign push). What I saw (`--history`): tab 0's
  // socket drops (S1, 4 pushes); tabs 1 and 2 open, tab 0 reloads (tab0#12, bringing S1's
  // cursor) at 17; the owner's worker is killed at 18 and a hub with no cursor begins a
  // fresh session; tab0#12's hub, relaying it, keeps S1 over that fresh session
  // (`RelayPeer.#merged`, "DBG declined" when instrumented) and never tells its tab the
  // fresh one; at 19 its worker is killed and tab 1's app logs out ("19 h2 logout", "h3
  // closed logout") and in again: the logout ends the fresh session only. The page's next
  // worker brings S1 to the new login's owner, which resumes it ("45 b1 resume S1"): "push
  // after logout: h5 (h5) heard p5 at 20434, after b1 logged alice out at 19" (h6, h7 too).
  // NEW with 97fd1db: the same plan holds on 74c5421 (the hub took the fresh session and
  // told its tab, whose cursor then named the session the logout ended).
  it('holds every invariant', async () => {
    const { violations } = await runPlan(PLAN);
    expect(violations).toEqual([]);
  }, 60_000);
});
