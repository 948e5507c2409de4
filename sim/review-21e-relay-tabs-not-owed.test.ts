/**
 * Review 21e (a search on 446db8c: `--seeds 1500 --seed 21503 --faults
 * no-shared-worker,channel-lag,tabs,reload,worker-death,logout,second-build,socket,token,server-restart`,
 * stopped at run 811, shrunk): of the tabs that come back to a fresh relaying hub with one
 * cursor, only the first is owed the owner's verdict on the hub's join.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 881414349,
  browsers: [{ sharedWorkers: true, channelLag: true }],
  steps: [
    { wait: 11, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 32, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 1, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 2 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: true, step: { kind: 'kill-worker', pick: 0 } },
  ],
  choices: [0, 0, 0, 0, 2, 0],
  logins: false,
};

// Invariant: delivery, no gap without a resync (sim/README.md "Invariants"; `lostInSilence`:
// h1, h2, h3 never heard p2). Severity: high (a push lost in silence).
// What I saw (`--history`, `HeardStream.owe`/`resync` instrumented): three tabs of build a
// on its SharedWorker heard p1 (S1#1); p2 is on its way as "48 kill b1/worker:build-a#2";
// build b's hub (tab3, h4, no cursor) takes the socket and starts S2 ("58 b1 resume S2");
// build a's fresh worker relays through it: the first tab to come back starts its hub with
// S1@1 (its join's cursor) and is `owe`d; the two others come to a hub that is on S1@1
// already, so `Hub` asks `missedBy` (same session, not open: nothing missed) and never
// calls `owe` for them. The owner's verdict on S1@1 (`resync`, another session) reaches only
// the owed tab: "93 h3 resync", and h1, h2 hear p3 next — "gap without resync: h1 heard p1
// then p3 (at 20329) without p2 and no resync" (h2 too). OLDER: the same history
// (fingerprint 423bcf43a6c9c400) on 446db8c^. A fix: a tab whose catch-up a relaying hub
// answered from its own stream before its owner answered its join is owed that verdict
// too (`owe` it as well, or `missedBy` keeps it for the answer as for another session).
// Fixed (round 21): every tab that comes with a cursor to a relaying hub not answered yet
// is owed the verdict (`Hub.open`, `SharedConnection.owe`).
it('tells every tab that came back with a cursor the verdict on its relaying hub`s join', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
