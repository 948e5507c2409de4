/**
 * Round 20's searches (seed 33003, `--faults worker-death,early-worker-death,reload,socket,
 * second-build,no-shared-worker,tabs,second-handle,channel-lag,token,logout`, run 993, 81
 * shrinks) stopped on a resync told twice on lagging channels; the same fingerprint
 * (3d642b7a3dcaab13) on 29e7b91, before the round's changes; and seed 38001 (`--faults
 * logout,second-build,no-shared-worker,tabs,reload,channel-lag,worker-death,token`, run 44)
 * on a renewed login (fingerprint 247de86f2f08b931, the same on 29e7b91); and seed 39002
 * (`--faults logout,second-build,no-shared-worker,tabs,reload,channel-lag,worker-death,token,socket`,
 * run 3,977; fingerprint 89a2e96c8312433d, the same on 29e7b91).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const TOLD_TWICE: Plan = {
  seed: 403068648,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 1, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 17, aim: false, step: { kind: 'drop-socket', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'send', pick: 0, count: 1 } },
    { wait: 6, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 17, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 36, aim: false, step: { kind: 'reload-tab', pick: 0 } },
  ],
  choices: [0, 0, 3, 0],
  logins: false,
};

/** Seed 38001's: an expired token, a renewed login, a reload and a worker death. */
const RENEWED_LOGIN_RELOAD: Plan = {
  seed: 625261157,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 6, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 5 } },
    { wait: 27, aim: false, step: { kind: 'expire-token', user: 0 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'push', user: 1, topic: 0, count: 1 } },
    { wait: 36, aim: false, step: { kind: 'renew-login', browser: 0 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 0, aim: false, step: { kind: 'kill-worker', pick: 0 } },
  ],
  choices: [0, 0],
  logins: false,
};

/** Seed 39002's: a push, a tab, a reload and a worker death. */
const RELOAD_THEN_DEATH: Plan = {
  seed: 615839741,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 20, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 23, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 0, aim: true, step: { kind: 'reload-tab', pick: 3 } },
    { wait: 13, aim: false, step: { kind: 'kill-worker', pick: 9 } },
  ],
  choices: [1],
  logins: false,
};

describe('a relaying hub that takes the socket on a handover as its owner page reloads', () => {
  // Invariant: one loss asks for one `resync`, and none for a handle that missed nothing
  // (sim/checker.ts `checkResyncs`). Severity: low (the app refetches once more, for
  // nothing). What I saw (`--history`): tab 0's hub owns S1, its sockets drop twice; p1 is
  // made while none is up; tab 0's page reloads at 77 as the third socket opens, and tab 1's
  // hub takes the socket on the handover: "81 b1 told resync" (the owner's, S2), then "103 b1
  // told resync" (tab 1's, S3). h3, on tab 2's relaying hub, hears "125 h3 resync" with h4
  // and then "149 h3 resync" again, though the server said none since 125: the second is,
  // likely its join’s verdict, on a lagging channel, for the loss the first told. OLDER.
  // Fixed (round 21): a relaying hub that told its tabs the owner's resync since its last
  // join drops the verdict on that join: told once (`RelayPeer`, `#toldResync`).
  it('holds every invariant', async () => {
    const { violations } = await runPlan(TOLD_TWICE);
    expect(violations).toEqual([]);
  }, 60_000);

  // Same invariant and severity: "spurious resync: h3 (all) got resync at 106: it missed
  // nothing, and the server said none to b1 since 33". OLDER; not traced.
  it.fails('holds every invariant (seed 38001, a renewed login)', async () => {
    const { violations } = await runPlan(RENEWED_LOGIN_RELOAD);
    expect(violations).toEqual([]);
  }, 60_000);

  // Same invariant and severity: "spurious resync: h2 (all) got resync at 100: it missed
  // nothing, and the server said none to b1 since 43". OLDER; not traced.
  it.fails('holds every invariant (seed 39002, a reload then a worker death)', async () => {
    const { violations } = await runPlan(RELOAD_THEN_DEATH);
    expect(violations).toEqual([]);
  }, 60_000);
});
