/**
 * Review 20g: a login that starts at clock time 0 claims it began after a logout
 * (`LoginEnds.startLogin`: `now() <= #claimUntil`, and `#claimUntil` is 0 for "no claim").
 * The browser's clock (`Date.now()`) is never 0; the simulation's starts at 0, so every hub
 * whose tab opens at 0 in a plan claims `afterLogout`, and its peers take its fresh session
 * over the cursor their tabs brought (`RelayPeer.#merged`, review 14's rule). A fidelity
 * fault of the model's runs (searches and plans meet losses no browser can, and may miss
 * what a browser would do), NEW with 867af17 (bisected: plan 106 below passes on 984399f^,
 * fails from 867af17 on, and passes with `#claimUntil`'s "none" at -Infinity).
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../protocol/clock';
import { LoginEnds } from '../worker/share/login-ends';
import type { Plan } from './faults';
import { runPlan } from './run';

/** Review 20g's targeted mutant 106 of sim/renewed-login-reload-gap.test.ts's plan. */
const PLAN: Plan = {
  seed: 1927734498,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 22, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 6, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'renew-login', browser: 0 } },
    { wait: 1, aim: true, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 11, aim: true, step: { kind: 'crash-tab', pick: 4 } },
    { wait: 8, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [2, 3, 2],
  logins: true,
};

const AT_ZERO: Clock = {
  now: () => 0,
  setTimeout: () => undefined,
  clearTimeout: () => {},
};

describe('a login that starts at clock time 0', () => {
  // Invariant: none directly (the model's fidelity: a hub claims `afterLogout` only after a
  // logout in its browser). Severity: medium for the searches (every plan whose first tab
  // opens at 0), none in a browser.
  // Fixed: a login claims it only before `#claimUntil`, not at it (0 is "none").
  it('claims no after-logout with no logout before it', () => {
    const ends = new LoginEnds(AT_ZERO, 1000);
    ends.startLogin();
    expect(ends.afterLogout).toBe(false);
  });

  // What I saw (`--history`, instrumented): no logout in the plan; tab 1's hub, whose login
  // began at 0, takes the lock as tab 0's page reloads at 29 and begins a fresh session
  // (its tabs brought none), telling its peers `afterLogout`; the reloaded page's hub (h5,
  // h1's lineage, S1:1 numbered) takes that fresh session over S1:1 (`#merged`: not over a
  // login after a logout), and the owner's verdict on S1:1 (`resync`, deferred until its
  // socket opens) dies with it (tab 1 crashes at 40). The next owner begins another session;
  // h5's hub joins it with the dead owner's fresh cursor, which missed nothing: "gap without
  // resync: h1 heard p1 then p3 (at 20483) without p2 and no resync".
  // Fixed: the same.
  it('holds every invariant', async () => {
    const { violations } = await runPlan(PLAN);
    expect(violations).toEqual([]);
  }, 60_000);
});
