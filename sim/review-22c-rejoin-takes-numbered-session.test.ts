/**
 * Fix 22c, found by mutating sim/renewed-login-reload-gap.test.ts's plan (mutant 4343 of
 * review 20d's driver, the renewed plan with a worker killed as tab 0 reloads): an owner
 * told by a new login's join that another session is numbered, which then takes that
 * session up from a rejoin's fresh cursor, resumed it without `held`.
 */
import { describe, expect, it } from 'vitest';
import { renewedLoginPlan } from './renewed-login-plan';
import { runPlan } from './run';

const PLAN = renewedLoginPlan([
  { wait: 0, aim: false, step: { kind: 'renew-login', browser: 0 } },
  { wait: 0, aim: true, step: { kind: 'reload-tab', pick: 0 } },
  { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 4 } },
]);

describe("a session a join said numbered, taken up later from a rejoin's fresh cursor", () => {
  // Invariant: every push once in order, or `resync` before the first gap (`gap without
  // resync`; `not delivered after healing`). Severity: high (a push lost in silence), narrow:
  // no SharedWorkers, lagging channels, a server that names logins, a renewed login, a
  // worker death in the reload's ms. What I saw (`--history`): tab 0's page reloads and tab
  // 1's worker dies at 38; tab 2's hub, which never heard the owner's answer, takes the lock
  // with a session of its own (T); the reloaded page's join (S1:1, numbered, a new login's)
  // reaches it while it is on T (`numberedElsewhere` of another session: nothing); tab 1's
  // fresh worker rejoins with S1 fresh, which the owner takes up (`WireLink.learn`, no resume
  // written yet) and resumes at 74 with no `held` ("74 b1 resume S2": the renewed login's
  // server starts S2 under S1's id); h4 drops S2#1 (p2) as seen: "gap without resync: h1
  // heard p1 then p3 (at 20354) without p2 and no resync". OLDER: the same on 1c4a18a.
  // Fixed: the owner remembers the last other session a join said was numbered
  // (`WireLink.#numberedOther`), and a session taken up under that id is held: "74 b1
  // resume S2", "87 b1 told resync", "119 h4 resync", h4 hears p2.
  it('holds every invariant', async () => {
    const { violations } = await runPlan(PLAN);
    expect(violations).toEqual([]);
  }, 60_000);
});
