/**
 * Review 21c (an attack on 114a389, a cursorless join's `since` catch-up): two plans where a
 * tab opened without a cursor on a relaying hub still loses the pushes its owner heard
 * after the tab opened, as the `since` catch-up never reaches it. Both from a mutation
 * search of sim/relay-join-window.test.ts's plan (lagging channels, no SharedWorkers),
 * checked with `lostInSilence`; the checker's gap rule sees no gap before a handle's first
 * push, so only `lostInSilence` reports them.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { lostInSilence } from './lost-in-silence';
import { runPlan } from './run';

const HUB_TAKES_LOCK_BEFORE_ANSWER: Plan = {
  seed: 1111206722,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 1, aim: false, step: { kind: 'push', user: 0, topic: 1, count: 1 } },
    { wait: 8, aim: false, step: { kind: 'reload-tab', pick: 1 } },
    { wait: 30, aim: true, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 30, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 2 } },
    { wait: 13, aim: true, step: { kind: 'kill-worker', pick: 2 } },
    { wait: 30, aim: false, step: { kind: 'push', user: 0, topic: 1, count: 1 } },
    { wait: 5, aim: false, step: { kind: 'drop-socket', pick: 0 } },
  ],
  choices: [],
  logins: false,
};

// Invariant: every push reaches every handle that wants it, or a `resync` comes before the
// first gap (sim/README.md "Invariants"; `lostInSilence`). Severity: medium (a loss in
// silence; needs a worker death within a join's lag). What I saw (`--history`, relay
// messages logged): tab 1 (h3) opens at 39 on a hub that joins without a cursor (since 39);
// the owner (tab 0's reloaded page's worker) answers at 59 (cursor S1 at 0, since 39), but
// the answer is still on the lagging channel when p2 and p3 (S1#1, #2) are heard (70,
// relayed) and the owner is killed at 82. h3's hub takes the lock having heard no owner,
// with no cursor (a fresh session), then learns S1 at 2 from the rejoin of tab 0's fresh
// worker ("91 owner … cursor S1 seq 2") and resumes S1 from 2 ("101 b1 resume S1", "101 h3
// open open"): the owner's answer and the pushes it relayed reach a hub that owns the
// socket now and ignores them, and its own tab, which opened before p2, is told no resync:
// "h3 never heard p2, and no resync", "h3 never heard p3, and no resync". OLDER: the same
// on 33fdbaf. A hub that takes the lock without an answer to a cursorless join could tell
// its tabs `resync` when it resumes a session another hub's cursor brought (its tabs never
// had a cursor of it), or ask its own ring since its `since`.
// Fixed: a hub that owns the socket, still owing its tabs the verdict on a join without a
// cursor (it took the lock before the answer), hears that answer late (`HeardStream.answeredLate`;
// at 87 with relay messages logged: cursor S1 at 0, since 39) and then the rejoin's cursor
// S1 at 2: it resumes S1 from the answer's cursor instead (`HeardStream.lateFrom`,
// `OwnedSocket.learn`), and the server hands p2 and p3 over again ("123 h3 got p2"); the
// rejoining hub's tabs drop them as seen. With the answer heard after the rejoin's cursor
// was told, the tabs are told `resync` (`HeardStream.tookUp`); without an answer (an owner
// that died before reading the join) nothing is told. worker/share/review-23b-lock-before-cursorless-answer.test.ts.
// A first version that told `resync` on the rejoin's cursor alone told one for nothing to a
// tab that opened after the pushes (sim/sim.test.ts's all-faults test, run 855).
it('tells a tab whose hub took the lock before the answer to its cursorless join the pushes made since it opened, or resync', async () => {
  const { violations, world } = await runPlan(HUB_TAKES_LOCK_BEFORE_ANSWER);
  expect(violations).toEqual([]);
  expect(lostInSilence(world.history)).toEqual([]);
}, 60_000);

const WORKER_DIES_BEFORE_ANSWER: Plan = {
  seed: 2099902382,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 20, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 80, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 2, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 30, aim: false, step: { kind: 'kill-worker', pick: 1 } },
    { wait: 2, aim: false, step: { kind: 'drop-socket', pick: 1 } },
  ],
  choices: [],
  logins: true,
};

// Invariant: as above. Severity: medium (a loss in silence after a worker death). What I
// saw (`--history`): tab 1 (h2) opens at 100 on a relaying hub; p2 (S1#2) is pushed at 102
// and heard by the owner's tab at 122; h2's worker is killed at 132, before its hub
// followed ("132 h2 connecting worker-lost": h2 never had a cursor). Its fresh worker joins
// with `since` = its own start (after 132), so the owner's catch-up holds nothing heard
// at 122; h2 opens at 238 and hears p3 and p4 of S1 with no resync: "h2 never heard p2, and
// no resync". The README allows a `resync` after a worker death when the handle heard no
// push; none comes. OLDER: the same on 33fdbaf. The tab could bring its own open time to
// its fresh hub (`since` of the earliest tab without a cursor, not of the hub's start).
// Fixed: a tab without a cursor brings the time its handles opened (`Date.now()`) to its
// hub's open (`HubApi.open`'s `since`), and a hub that relays joins from the earliest of its
// tabs' times, not its own start (`RelayPeer.openedSince`; worker/share/relay-join-since.test.ts).
// The simulation's pages read the simulated clock, one for every context of a browser.
it('tells a tab whose worker died before its hub followed the pushes made since it opened, or resync', async () => {
  const { violations, world } = await runPlan(WORKER_DIES_BEFORE_ANSWER);
  expect(violations).toEqual([]);
  expect(lostInSilence(world.history)).toEqual([]);
}, 60_000);
