/**
 * Review 22f: a mutant of sim/review-21g-reload-behind-sync.test.ts's plan (world seed 29893,
 * waits moved, a renewed login and a `kill-new-worker` added) in which a relaying hub's tabs
 * take the owner's new session after a renewed login's `resync` without hearing the resync.
 *
 * Invariant: each push reaches every handle that wants it once, in order, or a `resync`
 * comes before the first gap (`gap without resync`, sim/README.md "Invariants"). Severity:
 * high (48 pushes lost in silence for two handles). Needs SharedWorkers of two builds,
 * lagging channels, a socket dropped during a burst, a renewed login and the relaying
 * build's worker killed after the owner's resync.
 *
 * What I saw (`--history`): h1 (build a) owns the socket; h2 and h3 (build b) relay; p1–p3
 * reach all three; the socket drops at 97, p4–p51 are made while it is down, the login is
 * renewed at 118; the owner resumes at 261 ("261 b1 resume S2", a held resume) and the
 * server answers `resync` onto a new id ("269 b1 told resync", "289 h1 resync"); h2 and h3
 * are shown `open` at 281 but never hear a resync; build b's worker dies at 304, and its
 * fresh worker rejoins with the new session's cursor (`{seq: 0, epoch: 1, numbered}`, so
 * its tabs had taken the owner's cursor of it), which the owner finds behind nothing; p52
 * at 960: "gap without resync: h2 heard p3 then p52 (at 960) without p4, …, p51 and no
 * resync", the same for h3.
 *
 * Why (instrumented): `WireLink.#resynced` onto a new id reserves ids first (`#reserveIds`
 * tells the new session's cursor) and tells `resync` after; the owner relays them as two
 * channel messages. On a lagging channel build b's hub read the cursor, told its tabs (their
 * cursors now the new session @0), and its worker died before the resync reached it; its
 * tabs' rejoin names the new session, and nothing of it was missed. A worker's own tabs
 * cannot fall between the two (one port, one task); a relaying hub can. A fix: tell
 * `resync` before the new session's cursor, or have a relaying hub's tabs (or a rejoin)
 * count a cursor of a newer `epoch` that came without its resync as owing one.
 *
 * Without the `kill-new-worker` step (which kills nothing here) it fails the same way
 * (fingerprint a0f70adf58d317cb): the renewed login is what this mutant adds.
 *
 * OLDER: the same fingerprint (1efa25cf511788ce) on 1c4a18a and on e19d311; not from the
 * changes under review. 1 of 60 mutants of that plan.
 */
import { expect, it } from 'vitest';
import type { Plan, TimedStep } from './faults';
import { runPlan } from './run';

const push = (wait: number, count: number): TimedStep => ({
  wait,
  aim: false,
  step: { kind: 'push', user: 0, topic: 0, count },
});

const PLAN: Plan = {
  seed: 29893,
  browsers: [{ sharedWorkers: true, channelLag: true }],
  steps: [
    { wait: 23, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    push(40, 3),
    { wait: 33, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    push(5, 48),
    { wait: 2, aim: true, step: { kind: 'renew-login', browser: 0 } },
    { wait: 16, aim: true, step: { kind: 'kill-new-worker', pick: 1 } },
    { wait: 170, aim: false, step: { kind: 'kill-worker', pick: 1 } },
    { wait: 20, aim: false, step: { kind: 'reload-tab', pick: 2 } },
    push(602, 1),
  ],
  choices: [],
  logins: true,
};

// Fixed: a relaying hub takes its owner's cursor of a newer session (a higher `epoch`) only
// with the owner's next word, its resync (`RelayPeer.#moved`): build b's worker dies with its
// tabs still on S1 @3, and their rejoin is told `resync` (unit form:
// worker/share/renewed-resync-worker-death.test.ts).
it("tells the relaying hub's tabs the renewed login's resync", async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
