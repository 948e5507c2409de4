/**
 * Review 21d of d60e426: a fresh hub whose resume of the logged-out session went out before
 * it heard of the logout keeps that session (`WireLink.leave` exempts the session the link is
 * on); the server then answers the resume `resync` onto a session of the next login, and the
 * dead worker's send the link carried under the old session goes there: the link knew by
 * then that the session was logged out, and the exemption no longer applies (the link left
 * it), yet nothing rejects what it carried. A mutation of
 * sim/dead-worker-send-after-user-switch.test.ts's plan: the scheduler's choices and `logins`.
 */
import { expect, it } from 'vitest';
import type { Plan } from './faults';
import { runPlan } from './run';

const PLAN: Plan = {
  seed: 538121386,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 0, aim: false, step: { kind: 'open-tab', browser: 0, build: 0, interest: 0 } },
    { wait: 17, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 0, aim: false, step: { kind: 'send', pick: 7, count: 1 } },
    { wait: 10, aim: false, step: { kind: 'kill-worker', pick: 7 } },
    { wait: 0, aim: false, step: { kind: 'login', pick: 0, user: 1 } },
  ],
  choices: [0, 0, 0, 0, 4, 2, 2, 0],
  logins: true,
};

// Invariant: resolved means the app got it exactly once; none reaches the app twice
// (sim/README.md "Invariants", Sends). Severity: medium (alice's send reaches the app twice,
// the second time on bob's session, and resolves; it takes the fresh hub's resume to go out
// before the `leaving` word on a lagging channel, which the docs list since 5a4ed56 as
// going on "the next login's socket", but the server refused the old session here and the
// link had heard of the logout before it wrote the copy).
// What I saw (`--history`, frames instrumented): "20 b1 resume S1", s1 written on S1 as #1;
// "27 kill b1/worker:build-a#5", tab 0 logs out and in as bob; tab 1's fresh hub takes S1's
// cursor with s1 re-posted as S1 #1 and writes `resume` of S1's id (`held`) at 30 on bob's
// socket ("30 b1 resume S2": the history labels the id anew under bob's login); then
// `leave([S1])` on S1 with the resume out (exempt, s1 stays); "41 b1 told resync": the
// server (bob's login) starts a new session, `requeueUnacked` names s1 `was` S1 and
// `#resumed` writes it there: "46 server got s1" (S1's copy), "54 server got s1", "65 s1
// resolved"; "send written twice: s1 (b1, h2, at 17) reached the app 2 times, at 46, 54".
// The same with `logins: false` (fingerprint bb67060e94af295b). OLDER: the same history
// (fingerprint caf73dfe9d513ece) on d60e426^1. A fix: once the link is off a session it knew
// was logged out (`#resynced` onto a new id, `#resumeRefused`, `#takeSession`), reject what
// it carried or named there before writing on the new one (`rejectWrittenUnder`, also over
// the requeued unacknowledged messages).
// Fixed (round 21): a link that moves off a session (a resync onto a new one, a refused
// resume, a session of its own) rejects the messages of the sessions a logout ended first.
it('holds every invariant', async () => {
  const { violations } = await runPlan(PLAN);
  expect(violations).toEqual([]);
}, 60_000);
