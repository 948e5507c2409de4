/**
 * Review 14 (an attack on 97fd1db, seed 4601's fix): `RelayPeer.#merged` keeps a cursor of
 * S1 that a hub's tabs brought (a reloaded page's) over the owner's fresh session even when
 * that fresh session is the one a NEW login began after a logout of S1's login: should the
 * owner go before it writes a resume, the hub takes the socket and resumes the logged-out
 * S1. Found by mutating seed 4102's plan (sim/regressions.test.ts: a `crash-tab`, a
 * `kill-worker` added; of the mutations printed, those that hold on 74c5421 were all of this
 * shape), shrunk.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

/** Tab 0 reloads at 7 and again at 8; tab 1's app logs out and in at 8; tab 1 crashes at 9. */
const CRASH: Plan = {
  seed: 1374368941,
  browsers: [{ sharedWorkers: false, channelLag: false }],
  steps: [
    { wait: 7, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 1, aim: false, step: { kind: 'reload-tab', pick: 1 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
    { wait: 1, aim: false, step: { kind: 'crash-tab', pick: 0 } },
  ],
  choices: [],
};

/** The same with the new login's owner's worker killed instead (tab 0 reloads once). */
const KILL: Plan = {
  seed: 725160166,
  browsers: [{ sharedWorkers: false, channelLag: false }],
  steps: [
    { wait: 15, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
    { wait: 1, aim: false, step: { kind: 'kill-worker', pick: 6 } },
  ],
  choices: [],
};

describe("a reloaded page's cursor kept over the fresh session of the next login", () => {
  // Invariant: after a logout no push of the logged-out session reaches any handle
  // (sim/README.md "Invariants"). Severity: high (the next login follows the logged-out
  // session for good; same user here: another user's token would be refused by the server).
  // What I saw (`--history`, and instrumented): tab 0's page (S1's owner) reloads at 7, its
  // next page (tab0#7) owns S1 and reloads again at 8; tab 1's app logs out ("8 h3 logout")
  // and in again: its hub takes the lock for login 2 with no cursor and begins a fresh
  // session F; tab0#15's hub, bringing S1 from the page before, relays it and keeps S1 over
  // F ("declined F kept S1"); tab 1 crashes at 9, and tab0#15's hub takes the socket on S1:
  // "32 b1 resume S1", "push after logout: h4 (h4) heard p1 at 20270, after b1 logged alice
  // out at 8". NEW with 97fd1db: both plans hold on 74c5421 (the hub took F). The owner's
  // fresh session there is a login's that began after a logout, not a first owner's that
  // knew no session: nothing tells the peer the two apart.
  it("holds every invariant when the next login's page crashes", async () => {
    const { violations } = await runPlan(CRASH);
    expect(violations).toEqual([]);
  }, 60_000);

  // The same mechanism: tab 1's hub, dormant since its logout, takes the lock again for its
  // next login (fresh session F); tab0#6's hub keeps S1 over F, tab 1's worker is killed at
  // 16, and tab0#6's hub resumes S1: "42 b1 resume S1", "push after logout: h3 (h3) heard p1
  // at 70, after b1 logged alice out at 15". NEW with 97fd1db (holds on 74c5421).
  it("holds every invariant when the next login's worker is killed", async () => {
    const { violations } = await runPlan(KILL);
    expect(violations).toEqual([]);
  }, 60_000);
});
