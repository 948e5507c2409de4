/**
 * Review 20g's search (seed 20071, `--faults token,logout,reload,tabs,no-shared-worker,
 * channel-lag,worker-death,second-build`, run 2,020 of 3,000, shrunk): a loss with
 * SharedWorkers of two builds (the relay between them), a server that names the user alone.
 * OLDER: the same fingerprint (111e9f80743a57a3) on 8ab6de1.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 2147481577,
  browsers: [{ sharedWorkers: true, channelLag: false }],
  steps: [
    { wait: 35, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 3, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: true, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [],
  logins: false,
};

describe("a rejoining tab's cursor ahead of its relaying hub's join, the owner on another session", () => {
  // Invariant: every push once in order, or `resync` before the first gap (`gap without
  // resync`). Severity: high (a push lost in silence), one browser with SharedWorkers.
  // What I saw (`--history`): tab 0 (h1) resumes S1 at 18 and gets p1 (S1#1); tab 1 opens
  // at 38 (h2) and gets p1 at 45. At 45 tab 0 reloads (h4, h1's lineage), the worker dies,
  // tab 2 opens (h3) and p2 goes into S1 (S1#2). The fresh worker resumes a new session S2
  // at 66 ("66 b1 resume S2"): h4 hears `resync`, h2 (its cursor S1:1, rejoining after
  // "worker-lost") does not, and hears p3 next: "gap without resync: h2 heard p1 then p3
  // (at 20390) without p2 and no resync".
  // Instrumented: tab 2 is build 1's worker's (B): B takes the lock (A's worker died) with
  // no cursor and begins S2. A's fresh worker relays: h4's open (a new login's, its pagehide
  // cursor S1:0 numbered) starts its peer with S1:0; h2's rejoin (S1:1) comes after, and
  // `RelayPeer.resumeFrom` keeps S1:0 (further back) and `learn` only takes its ids. The
  // owner B answers the join (a login's S1 cursor: not resumed) with its verdict, `resync`,
  // owed to h4's open alone (`HeardStream`); h2 opened on the same join and is owed none,
  // though its stream went from S1 to S2. (Its rejoin's cursor never reached an owner as a
  // rejoin, which might have resumed S1.)
  // Fixed (round 21): every tab that comes with a cursor to a relaying hub not answered yet
  // is owed the owner's verdict on its join (`Hub.open`, `SharedConnection.owe`).
  it('holds every invariant', async () => {
    const { violations } = await runPlan(PLAN);
    expect(violations).toEqual([]);
  }, 60_000);
});
