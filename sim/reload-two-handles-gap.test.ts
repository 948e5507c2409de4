/**
 * Review 15: a search (`npm run sim -- --seeds 20000 --seed 960000 --faults
 * tabs,second-handle,socket,worker-death,reload,no-shared-worker,early-worker-death`, run
 * 308, shrunk) met a silent loss that is not among sim/README.md's "Still open".
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const push = { kind: 'push', user: 0, topic: 0, count: 1 } as const;

/** Without SharedWorkers: three pushes, a second handle in tab 0, a new tab 1, tab 0 reloads. */
const planWith = (secondHandle: boolean): Plan => ({
  seed: 0,
  browsers: [{ sharedWorkers: false }],
  steps: [
    { wait: 7, aim: false, step: push },
    { wait: 25, aim: false, step: push },
    { wait: 0, aim: true, step: push },
    ...(secondHandle
      ? [{ wait: 0, aim: false, step: { kind: 'second-handle', pick: 0, interest: 0 } } as const]
      : []),
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
  ],
  choices: [],
});

describe('a page with two handles reloaded as a new tab takes the lock', () => {
  it('holds every invariant with one handle', async () => {
    const { violations } = await runPlan(planWith(false));
    expect(violations).toEqual([]);
  }, 60_000);

  // Invariant: no silent loss (a gap comes after a resync). Severity: high (a push lost in
  // silence), rare (a reload in the instant a second handle is made and a new tab opens, a
  // push on its way). OLDER than the commits under review: the plan fails the same at
  // 749fe9b, at d6a311c~1 and at cdf36e4. What I saw (`--history`): tab 0's hub owns the
  // socket on S1; h1 heard p2 (S1#1) at 44, p3 (S1#2) appended at 44 is on its way; at 44
  // tab 0 makes h2 (`open attached`), tab 1 opens (its hub, new, no cursor), and tab 0
  // reloads: its socket closes, the page comes back with h1 and h2 (`connecting attached`).
  // Tab 1's hub takes the lock and resumes S2, a new session, at 59; the reloaded handles
  // open on it with no resync, and h1 hears p4 after p2: "gap without resync: h1 heard p2
  // then p4 (at 20349) without p3 and no resync". The same plan without the second handle
  // holds. Mechanism (checked by experiment, not committed: with `Hub.open`'s
  // `#forgetCatchUp(tabId, name)` done only for an open that brings a cursor, this plan and
  // the next hold): the reloaded page opens its first handle with S1's cursor, and the
  // owner's verdict on it (`resync`, kept for the tab until the socket opens) is dropped by
  // the page's second open of the name, a handle joining with no cursor ("a catch-up kept
  // for this tab's earlier open is not this one's"), though both are the same login's.
  // Fixed: a second open of a tab already on the name keeps what the tab is owed (`Hub.open`).
  it('holds every invariant with a second handle', async () => {
    const { violations } = await runPlan(planWith(true));
    expect(violations).toEqual([]);
  }, 60_000);

  // The same loss, met again by `npm run sim -- --seeds 20000 --seed 980000 --ignore
  // "spurious resync"` (every fault, run 619, shrunk): tab 0 has both handles from the start
  // (its socket late: upgrades blocked until 216), hears p1 of S1 at 294 as p2 is on its way,
  // and reloads as tab 1 opens; tab 1's hub resumes S2 at 309 and both reloaded handles open
  // on it with no resync: "gap without resync: h1 heard p1 then p3", and h2 the same.
  // OLDER: the plan fails the same at 749fe9b.
  it('holds every invariant with both handles made at the start', async () => {
    const { violations } = await runPlan({
      seed: 0,
      browsers: [{ sharedWorkers: false }],
      steps: [
        {
          wait: 0,
          aim: false,
          step: { kind: 'block-upgrades', browser: 0, duration: 216, cut: false },
        },
        { wait: 0, aim: false, step: { kind: 'second-handle', pick: 0, interest: 0 } },
        { wait: 283, aim: false, step: { ...push, count: 2 } },
        { wait: 0, aim: true, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
        { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
      ],
      choices: [3],
    });
    expect(violations).toEqual([]);
  }, 60_000);
});
