/**
 * Review 23l, found by mutation (mutant 1035 of 1200 of review 23c's plan: a `reload-tab`
 * of tab 2 added 17 ms after the new worker's death): a reloaded page told `resync` twice
 * for one gap, on its relaying hub's rejoin after the worker died.
 *
 * Invariant: a `resync` only where a handle missed something (`spurious resync`,
 * sim/README.md "Invariants"). Severity: low (one extra resync; no push lost or doubled).
 * Needs SharedWorkers of two builds, lagging channels, a socket dropped during a burst, a
 * renewed login (resync onto a new id), tab 2 of build b reloaded twice and build b's
 * worker killed between.
 *
 * What I saw (`--history`): h3 (tab 2) heard p1–p3 of S1; the socket drops at 99 during
 * p4–p51, the login is renewed. Tab 2 reloads at 130 (h4) onto build b's hub, which relays:
 * its `sync` now waits for the owner's answer (fix-23i), "161 h4 backoff attached" (on
 * b458710: 137, from the owner's state): the schedules part there. The owner resumes S2 at
 * 253, is told resync (259), h1 resyncs (269); h4 does not. Build b's worker dies at 291;
 * tab 2 reloads at 320 (h5): "348 h5 resync", "348 h2 resync", "348 h5 open attached",
 * "348 h5 resync": "spurious resync: h3 (all) got resync at 348: it missed nothing, and
 * the server said none to b1 since 348". On b458710 the same plan: h5 and h2 resync once
 * each (359), no violation.
 *
 * NEW with fix-23i (49afe72, `RelayPeer.#syncing`): it holds (the test fails) on b458710
 * and on 495e1a8, and breaks on c5f5481 (fix-23i merged, fix-23j not yet) as on main.
 * The later answer shifts the schedule; which path tells the second resync (the owed
 * verdict again, or a held-back one, `#heldBack`) I did not pin down in the time.
 */
import { expect, it } from 'vitest';
import { renewedBurstPlan } from './renewed-burst-plan';
import { runPlan } from './run';

const PLAN = renewedBurstPlan([
  { wait: 8, aim: true, step: { kind: 'kill-new-worker', pick: 1 } },
  { wait: 17, aim: true, step: { kind: 'reload-tab', pick: 2 } },
  { wait: 161, aim: false, step: { kind: 'kill-worker', pick: 1 } },
  { wait: 29, aim: false, step: { kind: 'reload-tab', pick: 2 } },
]);

it.fails('tells a page reloaded onto a rejoining relay hub one resync, not two', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
