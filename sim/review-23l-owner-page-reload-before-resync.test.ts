/**
 * Review 23l, found by mutation (mutant 136 of 2400 of review 23c's plan: one build-b tab
 * dropped, a second `drop-socket` added, waits moved): the owner's own page, reloaded between
 * the server's `resync` onto the renewed login's session and its hub telling it, comes
 * back with no resync.
 *
 * Invariant: each push reaches every handle that wants it once, in order, or a `resync`
 * comes before the first gap (`gap without resync`, sim/README.md "Invariants"). Severity:
 * high (48 pushes lost in silence for the owner's page). Needs SharedWorkers of two builds,
 * lagging channels, a socket dropped during a burst, a renewed login, the relaying build's
 * worker killed and the owner's page reloaded ~13 ms after the server's resync.
 *
 * What I saw (`--history`): h1 (tab0, build a) owns S1 and heard p1–p3; the socket drops
 * at 73 during p4–p51, "83 b1 login renewed"; "242 h1 open open", "242 b1 resume S2";
 * build b's worker dies at 244; "260 b1 told resync"; tab0 reloads at 273 ("273 h3 open
 * attached", lineage h1), and no resync reaches h1 or h3; h2 (build b) gets its resync at
 * 285. "gap without resync: h1 heard p3 then p52 (at 882) without p4, …, p51 and no
 * resync". Not root-caused in the time: it looks like review 22f's cursor-then-resync pair
 * (`WireLink.#resynced`) with the page, not the hub, gone between the two messages (its
 * pagehide saved the new session's cursor), on the owning build's own hub.
 *
 * OLDER: fails the same way on b458710 (before 49afe72, 0705e98, 495e1a8).
 *
 * Fixed (review 24d): root cause, instrumented: at 273 the owner's hub posts the new
 * session's cursor, then `resync` (`past`), to its tabs in one task, as two port messages;
 * the page read the cursor and left before the resync, and saved the new session's cursor
 * (S2:0) at pagehide, which its next page brought to a hub that owed it nothing. A tab now
 * takes a newer session's cursor (a higher `epoch`) with the hub's next word
 * (`StreamCursors.pass`), as a relaying hub does (`RelayPeer.#moved`, review 22f): the page
 * that leaves between the two saves S1:3, and its hub tells it the resync ("273 h3 resync").
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 932723712,
  browsers: [{ sharedWorkers: true, channelLag: true }],
  steps: [
    { wait: 5, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 31, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 3 } },
    { wait: 32, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 48 } },
    { wait: 15, aim: true, step: { kind: 'drop-socket', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'renew-login', browser: 0 } },
    { wait: 7, aim: true, step: { kind: 'kill-new-worker', pick: 1 } },
    { wait: 154, aim: false, step: { kind: 'kill-worker', pick: 1 } },
    { wait: 29, aim: false, step: { kind: 'reload-tab', pick: 2 } },
    { wait: 597, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 443, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [],
  logins: true,
};

it('tells the owner page reloaded just after the server resync the resync', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
