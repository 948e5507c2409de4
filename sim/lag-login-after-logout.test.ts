/**
 * A plan a review-8 search met with lagging channels (`--seed 8801 --faults
 * logout,second-build,no-shared-worker,tabs,channel-lag`, run 960): a login that began
 * after the logout resolved is closed, and a send of it rejected as never sent reaches the
 * server app.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

/** Without SharedWorkers: a send, a login, a page of build b, a login again, its send at once. */
const planWith = (channelLag: boolean): Plan => ({
  seed: 1337507500,
  browsers: [{ sharedWorkers: false, channelLag }],
  steps: [
    { wait: 19, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 21, aim: false, step: { kind: 'send', pick: 0, count: 1 } },
    { wait: 4, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
    { wait: 26, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 19, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
    { wait: 0, aim: true, step: { kind: 'send', pick: 1, count: 1 } },
  ],
  choices: [0, 0, 7, 0, 0, 0, 1, 7],
});

describe('a login right after a logout, with lagging channels', () => {
  it('holds every invariant where the channels do not lag', async () => {
    const { violations } = await runPlan(planWith(false));
    expect(violations).toEqual([]);
  }, 60_000);

  // Invariants: each send() settles once, rejected = the server app never got it (and, by
  // the docs' letter, a login that began after the logout resolved is not closed by it).
  // Severity: high (a send rejected `TS_ERR_CLOSED` that the server app got: an app that
  // sends it again has it twice). What I saw (`--history`, and the hubs instrumented): h2, in
  // tab0's hub a (the owner), logs out at 89 and close() resolves at once; the app logs in
  // again: tab1's h3 is released and h4 made at 89. Tab1's hub b has not heard a's logout
  // word yet (it lags on the channel), so h4 joins the old login (`start`: a relay answers
  // `joined`). h4's send s2 at 90 goes out on the channel (`RelayPeer.send`); then a's word
  // reaches b, which ends the login (`RelayPeer.receive` → `#letGo`) and rejects s2
  // `TS_ERR_CLOSED` ("here") though it had posted it. a's next login (h5, session S3, a new
  // channel made as s2 was on its way) took s2 and wrote it 1 s later: "rejected send
  // written: s2 (b1, h4, at 90) rejected (TS_ERR_CLOSED) at 90, yet reached the app at 1130".
  // A relay's send that went out on the channel has an unknown fate: `UnconfirmedSendError`,
  // or the owner's next login must not write a send posted to the one before. PRE-EXISTING in
  // the worker: with worker/share/shared-connection.ts, ended-sessions.ts, worker/hub/hub.ts
  // and protocol/tab-hub.ts of 91f284c the plan runs the same (fingerprint
  // ce9662c6e786ec15); met only now as channel-lag is new (bec8a5c), and not in the CI seed
  // set's channel-lag run, which has no `no-shared-worker`. Fixed with seed 4302's plan
  // (fbbea3f): b, ending its login on the owner's word, leaves the owner, which drops s2.
  it('holds every invariant with lagging channels', async () => {
    const { violations } = await runPlan(planWith(true));
    expect(violations).toEqual([]);
  }, 60_000);
});
