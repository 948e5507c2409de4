/**
 * Review 18 (on the model that checks 8a771ee): the logout check (sim/checker.ts
 * `checkLogouts`) looks only at handles opened by the logout's ms (`handle.openedAt >
 * logout.at` are skipped). A `login` step opens the next login's handles in that ms, but a
 * `logout` step followed by a later `login` opens them later: a push of the logged-out
 * session that reaches them is never reported, exactly the push 8a771ee keeps from the next
 * login. Found by replacing the `login` of sim/seed-4102-other-schedules.test.ts's lagging
 * plan with a `logout`, a push while logged out and a `login` (world seeds 0..149 with
 * waits of 5 to 35 ms: the next login heard a push made while logged out at 2 of 150
 * without logins, none reported; at none with logins). World seed 8 until round 24, whose
 * kept lock (a logged-out owner's own next login keeps the socket's lock) closed it there;
 * 140 is the first of world seeds 0..399 that still shows it without logins.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from './faults';
import type { History } from './history';
import { runPlan } from './run';

const LOGOUT_THEN_LOGIN: Plan = {
  seed: 140,
  browsers: [{ sharedWorkers: false, channelLag: true }],
  steps: [
    { wait: 15, aim: false, step: { kind: 'open-tab', browser: 0, build: 1, interest: 0 } },
    { wait: 0, aim: false, step: { kind: 'reload-tab', pick: 0 } },
    { wait: 7, aim: false, step: { kind: 'logout', pick: 0 } },
    { wait: 5, aim: false, step: { kind: 'push', user: 0, topic: 0, count: 1 } },
    { wait: 5, aim: false, step: { kind: 'login', pick: 0, user: 0 } },
  ],
  choices: [0, 0, 3],
};

/** Pushes made while the browser was logged out that a handle of its next login heard. */
function heardFromLoggedOut(history: History): string[] {
  const heard: string[] = [];
  for (const logout of history.logouts) {
    const next = [...history.handles.values()].filter(
      (handle) => handle.browser === logout.browser && handle.openedAt > logout.at,
    );
    const loginAt = Math.min(...next.map((handle) => handle.openedAt));
    for (const handle of next) {
      for (const event of handle.events) {
        const push = event.kind === 'frame' ? history.pushes.get(event.push) : undefined;
        if (push && push.user === logout.user && push.at > logout.at && push.at < loginAt) {
          heard.push(`h${handle.id} heard p${push.id}`);
        }
      }
    }
  }
  return heard;
}

describe('a push of the logged-out session heard by a next login that came later', () => {
  // Round 21: h4's hub joins without a cursor and is caught up from when its tabs opened
  // (the join's `since`), so h4 hears p1 of the S1 this login resumed, as h5 does; before,
  // its stream began after p1, which was lost in silence had S1 been the login's own.
  it('is heard without logins (S1 resumed by the reloaded page’s cursor)', async () => {
    const { world } = await runPlan(LOGOUT_THEN_LOGIN);
    expect(heardFromLoggedOut(world.history)).toEqual(['h4 heard p1', 'h5 heard p1']);
  }, 60_000);

  it('is not heard with a server that names logins', async () => {
    const { world, violations } = await runPlan({ ...LOGOUT_THEN_LOGIN, logins: true });
    expect(heardFromLoggedOut(world.history)).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  // Invariant: after close() (logout) no push of the old session reaches any handle.
  // Severity: medium (of the model: the searches cannot see this form of the push after
  // logout, so they neither count it without logins nor test 8a771ee's claim against it).
  // What I saw (`--history`): tab 0 reloads at 15 with S1's cursor, h2 (whose hub never had
  // a socket: no `end`) logs out at 22, "27 push p1", "27 append p1 S1#1", the `login` at 32
  // opens h4 and h5, "44 resume S1", "69 h5 got p1": no violation reported. OLDER: the check
  // is fc006ab's, and the plan runs the same there. Fixed: `checkLogouts` checks every
  // handle of the browser, a later login's too.
  it('is reported by the checker without logins', async () => {
    const { violations } = await runPlan(LOGOUT_THEN_LOGIN);
    expect(violations.map(({ invariant }) => invariant)).toContain('push after logout');
  }, 60_000);
});
