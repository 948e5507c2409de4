/**
 * Review 20d: plans met while attacking 984399f and eb02351 that fail the same with the
 * change reverted (OLDER, not of the change): two by mutating the plan of
 * sim/renewed-login-reload-gap.test.ts with an added send (2,500 mutants), one by the
 * search `npm run sim -- --seeds 3000 --seed 20045 --faults
 * token,logout,reload,tabs,no-shared-worker,channel-lag,worker-death,second-build,socket`
 * (shrunk by fast-check).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { renewedLoginPlan } from './renewed-login-plan';
import { runPlan } from './run';

/** Renewed-login-reload-gap's first steps, then two sends of tab 2, a logout at 46 and tab 0's reload. */
const LOGOUT_RELAYING_TAB = renewedLoginPlan([
  { wait: 0, aim: false, step: { kind: 'renew-login', browser: 0 } },
  { wait: 14, aim: false, step: { kind: 'send', pick: 2, count: 2 } },
  { wait: 10, aim: false, step: { kind: 'logout', pick: 7 } },
  { wait: 0, aim: true, step: { kind: 'reload-tab', pick: 0 } },
]);

/** A worker killed at 23, a renewed login, a send, tab 0's reload; a server that names the user alone. */
const TWO_SESSIONS_DUPLICATE: Plan = {
  seed: 1551474243,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 23, aim: false, step: { kind: 'kill-worker', pick: 5 } },
    { wait: 22, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'renew-login', browser: 0 } },
    { wait: 10, aim: false, step: { kind: 'send', pick: 2, count: 1 } },
    { wait: 0, aim: true, step: { kind: 'reload-tab', pick: 0 } },
  ],
  choices: [0, 0, 2, 0, 0, 0, 0, 1],
  logins: false,
};

/** SharedWorkers of two builds, lagging channels: build b's worker killed at 37. */
const RELAYING_WORKER_DEATH: Plan = {
  seed: 616481752,
  browsers: [{ sharedWorkers: true, channelLag: true }],
  steps: [
    { wait: 4, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 4, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 29, aim: false, step: { kind: 'kill-worker', pick: 3 } },
  ],
  choices: [],
  logins: false,
};

describe('older plans met by review 20d', () => {
  // Invariants: a live page's send settles by the end; every open handle hears the last
  // push after healing. Severity: medium (a handle of the logged-out login stays `open`
  // with no socket: its sends hang for ever, it hears nothing, and its app never learns of
  // the logout). What I saw (`--history`): tab 2's hub (build b, relaying over the lagging
  // channel) sends s1, s2 at 36; tab 1's app logs out at 46 ("46 h2 logout", "46 h2 closed
  // logout") as tab 0's page (the owner) reloads; then "70 h3 open attached", and nothing
  // more for h3: "send never settled: s1 (b1, h3, at 36)", s2 too, "not delivered after
  // healing: h3 (h3), open, never heard p2". OLDER: fails the same with the change reverted.
  it.fails("closes a relaying tab's handle with its login, or settles its sends", async () => {
    const { violations } = await runPlan(LOGOUT_RELAYING_TAB);
    expect(violations).toEqual([]);
  }, 60_000);

  // Invariant: no push twice (`duplicate`). Severity: medium-low (the app gets one push
  // twice, after a `resync` it was told). What I saw (`--history`): tab 1's worker is killed
  // at 23; tab 0's hub takes the lock and resumes a fresh S2 while the server keeps S1 ("37
  // b1 resume S2"); p1 goes into both ("45 append p1 S1#1", "47 append p1 S2#1"); h1 hears
  // it on S2 at 52; tab 0's page reloads at 55 and tab 1's hub resumes S1 ("60 b1 resume
  // S1"); the reloaded page's h4 (lineage h1) is told resync at 99, then hears S1's p1 at 109:
  // "duplicate: h1 heard p1 twice (at 109)". OLDER: fails the same with the change reverted
  // (a user-alone server, no login in play: the renewed login does not matter).
  // Round 22 (the owner's cursor after a `resync` verdict) moved this plan's schedule: under
  // its first world seed (1551474033) tab 0's hub now resumes S2 and the race is not met. World
  // seed 1551474243 (2 of 300 seeds near it) meets it again: "duplicate: h1 heard p1 twice".
  it.fails('hears no push twice across the two sessions a worker death left', async () => {
    const { violations } = await runPlan(TWO_SESSIONS_DUPLICATE);
    expect(violations).toEqual([]);
  }, 60_000);

  // Invariant: no spurious resync. Severity: low (the app refetches once for nothing). What
  // I saw (`--history`): tabs 1 and 2 open on build b's SharedWorker, which relays to build
  // a's (h1 "open" at 6, p1 appended S1#1 at 18 and heard by h1 at 25); "36 h2 open
  // attached", "36 h3 open attached", build b's worker killed at 37, and both resync on the
  // fresh worker at 49: "spurious resync: h3 (all) got resync at 49: it missed nothing, and
  // the server said none to b1 since 8". OLDER: the same fingerprint with the change
  // reverted; close to the open sim/narrow-cursor-worker-dies-at-frame.test.ts.
  it.fails('tells a handle whose relaying worker died, that missed nothing, no resync', async () => {
    const { violations } = await runPlan(RELAYING_WORKER_DEATH);
    expect(violations).toEqual([]);
  }, 60_000);
});
