/**
 * Plans a review-9 search met with lagging channels; the first fails on these commits only,
 * the second on the code before them too.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

/**
 * `--seeds 20000 --seed 62000 --faults logout,second-build,tabs,channel-lag,reload --ignore
 * "spurious resync"`, run 47 (shrunk). SharedWorkers of two builds: tab0's owns the socket;
 * tab1 and tab2 open on the other build's hub, and tab1's app logs out as tab2 opens.
 */
const logoutAsTabOpens = (channelLag: boolean): Plan => ({
  seed: 1573983278,
  browsers: [{ sharedWorkers: true, channelLag }],
  steps: [
    { wait: 50, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 2 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 1, topic: 0, count: 1 } },
    { wait: 29, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'logout', pick: 1 } },
  ],
  choices: [0, 0, 0, 0, 0, 3],
});

/**
 * `--seeds 20000 --seed 61000 --faults
 * logout,second-build,no-shared-worker,tabs,channel-lag,worker-death,socket --ignore
 * "spurious resync"`, run 1,797 (shrunk). Without SharedWorkers: the owner's worker is
 * killed in the instant a tab (h3) sends twice.
 */
const sendAsOwnerDies = (channelLag: boolean): Plan => ({
  seed: 91878127,
  browsers: [{ sharedWorkers: false, channelLag }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 3, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'send', pick: 2, count: 2 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
  ],
  choices: [],
});

describe('a relaying hub’s logout as another of its tabs opens, with lagging channels', () => {
  it('holds every invariant where the channels do not lag', async () => {
    const { violations } = await runPlan(logoutAsTabOpens(false));
    expect(violations).toEqual([]);
  }, 60_000);

  // Invariant: a logout ends the login for every tab; after close() resolves no push of the
  // old session reaches any handle; zero sockets after the settle time (sim/README.md
  // "Invariants"). Severity: high (the logout is lost for the whole browser). What I saw
  // (`--history`): h2 (tab1, on build 1's hub, which relays) logs out at 79 as tab2
  // opens on the same hub (its next login); the logout resolves only at 1079 (the 1 s
  // bound); "b1 after logout: 1 sockets"; p4, p5 of S1 (alice) at 20329 reach h1, h2, h3.
  // The mechanism of worker/share/logout-behind-next-join.test.ts: the owner reads the next
  // login's join (login 2) before the logout's `close` (login 1), and drops the `close`.
  // NEW with these commits: the plan holds on the code at 30d0f22^, and on this code with
  // the login rule of `RelayOwner.receive` removed. Fixed: a `close` of an earlier login counts.
  it('holds every invariant with lagging channels', async () => {
    const { violations } = await runPlan(logoutAsTabOpens(true));
    expect(violations).toEqual([]);
  }, 60_000);
});

describe('a relayed send as the owner’s worker dies, with lagging channels', () => {
  it('holds every invariant where the channels do not lag', async () => {
    const { violations } = await runPlan(sendAsOwnerDies(false));
    expect(violations).toEqual([]);
  }, 60_000);

  // Invariant: each send() settles once (sim/README.md "Invariants"). Severity: high (the
  // app's send() hangs for good; nothing tells it). What I saw (`--history`): h3 (tab2)
  // sends s1, s2 at 3 as the owner's worker is killed; h3's hub is told `handover` at 16 and
  // 35, h2's hub resumes S1 at 19, every handle opens and hears p2, p3 at 20331, but s1 and
  // s2 never settle ("send never settled: s1 (b1, h3, at 3)"). Not analysed further.
  // PRE-EXISTING: the same violations (same fingerprint) on the code at 30d0f22^; the plan
  // holds without lag. Not among sim/README.md "Still open" (which lists a send written
  // twice, not one never settled). Fixed: h3's hub adopted the dead owner's announcement,
  // late on the lagging channel, then the live owner again, and posted its sends to it a
  // second time; the owner took both copies, and waited on the first's `holds` for good. An
  // owner now takes a peer's send once (`Peer.lastSend`).
  it('holds every invariant with lagging channels', async () => {
    const { violations } = await runPlan(sendAsOwnerDies(true));
    expect(violations).toEqual([]);
  }, 60_000);
});
