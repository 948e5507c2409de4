/**
 * Review 22g (an attack on 94060af, the owed verdict of a cursorless tab with its open time):
 * found by mutating a plan of the 22e shape in the simulation (a build-1 hub relays to the
 * build-0 owner; the build-1 page reloads with a cursor; a new build-1 page opens while its
 * hub joins), 300 mutations per family, counted before and after: identical (4 losses of this
 * family, 1 older spurious resync).
 *
 * Invariant: each push reaches every handle that wants it once, or a `resync` comes before
 * the first gap (sim/README.md "Invariants"; only `lostInSilence` sees it: the loss is before
 * the handle's first push). Severity: high where it happens (pushes lost in silence); needs a
 * page reloaded with a cursor behind the owner and a new page on the same hub within the join's lag.
 *
 * What I saw (`--history`): h3 (tab 1 reloaded at 152, cursor S1 at 1) and h4 (tab 2, opened
 * at 170 without a cursor) are on the build-1 hub, which joins the owner with h3's cursor.
 * p3 and p4 (S1#3, #4) are pushed at 183 and heard by the owner at 194, after h4 opened;
 * the owner's verdict on the join is frames (p2..p4), not `resync`, and the hub hands that
 * catch-up to h3 alone (the tab with a cursor): "220 h3 got p2/p3/p4", "220 h4 open attached",
 * "243 h4 got p5": "h4 never heard p3, and no resync", "h4 never heard p4, and no resync".
 * 94060af's `heardTo` only covers a `resync` verdict; a frames verdict owed to a cursorless
 * tab opened before pushes it carries is still lost (the unit test of review 22e says "had
 * the verdict been frames, they would reach it": not here).
 *
 * OLDER: the same on 94060af^ (8e98d50). A fix: the frames of a verdict heard after an owed
 * cursorless tab's `openedAt` (the owner could date each, as `heardSince` does) go to that tab
 * too, or it is told `resync`.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { lostInSilence } from './lost-in-silence';
import { runPlan } from './run';

const FRAMES_VERDICT: Plan = {
  seed: 576323584,
  browsers: [{ sharedWorkers: true, channelLag: true }],
  steps: [
    { wait: 5, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 33, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 38, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    { wait: 38, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 38, aim: false, step: { kind: 'reload-tab', pick: 1 } },
    { wait: 18, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 13, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 2 } },
    { wait: 24, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [],
};

// Fixed: the hub followed its owner all along (its joins at 152 and 170 are the `sync` of
// each open, with its own cursor), so p2..p4 reached it live while h3 and h4 waited for the
// answer to the last join (opening: `TabRegistry.deliver` skips them); h3's cursor brought
// them back from the hub's ring, h4 had none. Now a tab without a cursor whose open waited
// gets, after `opened`, the pushes the hub heard since the tab opened (`SharedConnection.heardSince`,
// the ring's dates), or `resync` when the ring lost some (`Hub.open`;
// worker/share/review-23b-cursorless-opening-catch-up.test.ts).
it('tells a tab that opened without a cursor while its hub joined with a cursor the pushes of a frames verdict heard after it opened', async () => {
  const { violations, world } = await runPlan(FRAMES_VERDICT);
  expect(violations).toEqual([]);
  expect(lostInSilence(world.history)).toEqual([]);
}, 60_000);
