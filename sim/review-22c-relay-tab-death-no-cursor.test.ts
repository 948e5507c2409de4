/**
 * Fix 22c's search, seed 42401 (`--faults logout,second-build,no-shared-worker,tabs,reload,
 * channel-lag,worker-death,token,socket`), run 752, shrunk: a tab whose worker dies a
 * millisecond after its open was answered resyncs, though the browser's tabs had a numbered
 * push and the fresh worker resumes the session.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 2113859047,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 3, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 14, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 14, aim: false, step: { kind: 'kill-worker', pick: 2 } },
  ],
  choices: [],
  logins: false,
};

describe('a relaying tab whose worker dies as its open is answered', () => {
  // Invariant: no spurious resync (sim/checker.ts `checkResyncs`: after a worker death only
  // while no tab of the browser had a numbered push). Severity: low (the app refetches once
  // for nothing). What I saw (`--history`): h2's hub owns S1 (resume at 5, p1 S1#1 at 17,
  // "19 h2 got p1"); tabs 1 and 2 open at 17 and relay ("30 h4 open attached", "30 h3 got
  // p1"); tab 2's worker is killed at 31 ("31 h4 connecting worker-lost"), and its tab holds
  // no cursor then (instrumented; why its hub told it none is not traced further), so the
  // tab takes its stream for one it cannot resume (`HubClient`: `resumable` false) and
  // its fresh worker's open tells `resync` ("65 h4 resync") → "spurious resync: h4 (all) got
  // resync at 65: it missed nothing, and the server said none to b1 since 17". OLDER: the
  // same fingerprint (7b8df9e9ae0b78f9) on 1c4a18a (run again with "spurious resync" skipped,
  // the search met nothing else).
  it.fails('tells h4 no resync', async () => {
    const { violations } = await runPlan(PLAN);
    expect(violations).toEqual([]);
  }, 60_000);
});
