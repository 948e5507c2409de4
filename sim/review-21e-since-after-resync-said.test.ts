/**
 * Review 21e of 446db8c (`RecentFrames.gap(at)`): the gap is dated when the owner hears the
 * server's `resync` (`clock.now()` in `HeardStream.resync`), a latency after the server
 * said it. A relaying hub whose tabs opened in between joins without a cursor, and its
 * `since` is at or before the gap: `heardSince` answers `resync`, for pushes lost before
 * the tabs opened. Found by a generated search (bursts past the log, worker deaths, reloads
 * and pushes every few ms: 5 of 300 plans broke an invariant on 446db8c and not on its
 * parent; this one's world seed is its own), not shrunk.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 1286848,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 16, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 4, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 19, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 30, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 3 } },
    { wait: 18, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 46 } },
    { wait: 6, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 7, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 7, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 7, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 7, aim: false, step: { kind: 'kill-worker', pick: 2 } },
    { wait: 7, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 7, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 7, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 5, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 5, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 5, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 4, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 1, aim: true, step: { kind: 'reload-tab', pick: 2 } },
    { wait: 1, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 4, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 6, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 2, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 4, aim: true, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 3, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 6, aim: false, step: { kind: 'kill-worker', pick: 2 } },
    { wait: 1, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 6, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 2, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 5, aim: true, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 7, aim: false, step: { kind: 'send', pick: 3, count: 1 } },
    { wait: 2, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 8, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 5, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 5, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 5, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 4, aim: true, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 4, aim: false, step: { kind: 'send', pick: 3, count: 1 } },
    { wait: 3, aim: false, step: { kind: 'kill-worker', pick: 2 } },
    { wait: 3, aim: false, step: { kind: 'kill-worker', pick: 2 } },
    { wait: 2, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 6, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 5, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 8, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 4, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 8, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 8, aim: false, step: { kind: 'send', pick: 3, count: 1 } },
    { wait: 7, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 2, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 6, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 1, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
  ],
  choices: [],
  logins: false,
};

// Invariant: no spurious resync (sim/README.md "Invariants"). Severity: low (apps refetch
// for nothing; no push lost). What I saw (`--history`, `heardSince` and `gap`
// instrumented): "262 b1 resume S1" (more pushes made while the socket was down than the
// log keeps), "271 b1 told resync"; "285 open b1/tab7#66" (h12: a per-tab hub, no cursor,
// `since` 285); the owner hears the resync at 288 (`gap(288)`, "288 h6 resync"), then
// answers the joins of hubs with `since` 272, 280 and 285 `resync` ("301 h12 resync",
// "301 h8 resync", h8's fresh hub after "272 kill b1/worker:build-a#42", told at 289
// already) — "spurious resync: h12 (all) got resync at 301: it missed nothing, and the
// server said none to b1 since 285", and h8's "since 289". NEW: no violation on 446db8c^
// (fingerprint 22e08ef9fb146252 there). Not simply fixed: the pushes lost are those the
// server skipped as it read the resume, which the browser does not time; dating the gap
// at the resume's write would lose pushes of a tab that opened between the write and the
// server's read. The server's `resync` could say when it read the resume (its clock is
// not the browser's), or the limitation be documented.
it.fails('does not tell a hub whose tabs opened after the server said resync that resync', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
