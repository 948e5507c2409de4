/**
 * Review 24e of fix 24c (50985a1: da65856, `Hub.#loggedOut`): a tab's `close` posted again to
 * a fresh SharedWorker that holds no login of the name is recorded, and the name's next open
 * there starts closed, whatever login that open is of.
 *
 * Story (one SharedWorker): hub a owns S1 for tab-a and tab-b. tab-b logs out (close, naming
 * S1); a handles it, but dies before its answer reaches tab-b. In between, the app logged in
 * again in tab-a (a new login, after the logout): a woke its dormant owner and began S2, which
 * tab-a is on. tab-b posts its close again to the fresh hub c (`HubClient.close`: its worker
 * died before it answered, and tab-b did not log in again). c holds no login of the name: it
 * records the logout (S1). tab-a's rejoin (intent `rejoin`, the cursor of S2) then takes the
 * record: it joins the login `closed` (`endedMeanwhile`), and S2, the login made after the
 * logout, is ended for good (no socket opens for it), though the close named S1, not S2.
 *
 * Invariant: none of sim/README.md "Invariants" counts it (the checker asks nothing of a
 * handle a logout closed, `checkFinalDelivery` skips handles not `open`); it breaks docs/
 * design.md's "Logout": a logout ends the login the tab logged out of, and the next login is
 * not ended by it (a `close()` is ended only for a login made after it resolved, in the
 * other order; this one was made before the re-posted close, after the logout itself).
 * Severity: medium (the user is logged out of the new login in every tab, with reason
 * `logout`, with no logout of it; needs a worker death between handling the close and its
 * answer, with a login in another tab in that window; a relaying hub's close waits up to
 * 1 s for the owner's word, which widens the window, the case helper 24c admits).
 * What I saw: c's open answer for tab-a is `{ state: 'closed' }`, and no socket opens; the
 * close the tab posted again named S1 (`resume.session`), and the rejoin's cursor S2.
 * NEW: on 62e711a (before da65856) c resumes S2 for tab-a's rejoin (checked in a worktree).
 * In the other order (the rejoin reaches c first) c closes the S2 login on the close naming
 * S1: OLDER (second test; fails on 62e711a too), a fix could use the named session there too.
 * Suggested fix: apply the record only to a rejoin whose cursor names the session the close
 * named (or to any, when it named none: an older tab's), and let an open of another session
 * or a new login drop it; in `Hub.close` with a live connection, a named session that is
 * not the connection's (nor one it went on from) ends nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** a owns S1 for tab-a and tab-b; tab-b logs out (its answer lost), tab-a logs in again (S2). */
async function loginAfterLogout(name: string) {
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(a.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  const first = handshake(world.latest()).resume;
  await tabB.api.open('tab-b', relayOptions(name));
  tabB.api.setInterest('tab-b', name, ALL);
  // tab-b's logout reaches a; its answer is lost with a (below). A tab says when it made it
  // (`HubClient.close`), and again when it posts it to the fresh worker.
  const closedAt = Date.now();
  void tabB.api.close('tab-b', name, 1000, '', first.session, closedAt);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // The app logs in again in tab-a: a new login (no cursor), after the logout; a tab says
  // when its login was made (`since`), with every open of it, a rejoin's too.
  const sockets = world.sockets.length;
  const loginAt = Date.now();
  const opened = await tabA.api.open(
    'tab-a',
    relayOptions(name),
    undefined,
    undefined,
    'login',
    loginAt,
  );
  expect(opened.ok).toBe(true);
  tabA.api.setInterest('tab-a', name, ALL);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(world.sockets.length).toBe(sockets + 1);
  const second = handshake(world.latest()).resume;
  expect(second.session).not.toBe(first.session);
  a.kill();
  return { first, second, closedAt, loginAt };
}

describe('a logout posted again to the fresh worker, and a login made after the logout', () => {
  // Fixed: a tab's close says when it was made (`HubApi.close`'s `at`), and every open of a
  // login when that login was made (`since`, a rejoin's too): the record closes a rejoin of a
  // login made before the logout, or of the session it named, and leaves a rejoin of one made
  // after it, on another session, to go on (`Hub.open`); so review 24g's rejoin on another
  // session of the logged-out login, made before the logout, still joins closed. The test
  // passes `at` and `since` as a tab now does.
  it('leaves the later login to the rejoin that comes after the re-posted close', async () => {
    const name = 'review-24e-recorded-logout-next-login';
    const { first, second, closedAt, loginAt } = await loginAfterLogout(name);
    const c = world.startHub('build-a');
    // tab-b's close, posted again (its worker died before it answered), names S1.
    const againB = await world.attachTab(c.hub, 'tab-b', { back: true });
    await againB.api.close('tab-b', name, 1000, '', first.session, closedAt);
    // tab-a's rejoin of the login it made after the logout (S2).
    const againA = await world.attachTab(c.hub, 'tab-a', { back: true });
    const sockets = world.sockets.length;
    const cursor = { session: second.session, seq: 0, nextId: 1 };
    const answer = await againA.api.open(
      'tab-a',
      relayOptions(name),
      cursor,
      undefined,
      'rejoin',
      loginAt,
    );
    againA.api.setInterest('tab-a', name, ALL);
    // Fails here: `{ state: 'closed' }`, and no socket for S2.
    expect(answer).toMatchObject({
      ok: true,
      value: { state: expect.not.stringMatching(/closed/) },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(world.sockets.length).toBe(sockets + 1);
    const next = world.latest();
    const { resume } = handshake(next);
    expect(resume.session).toBe(second.session);
  });

  // OLDER (fails the same on 62e711a): the rejoin first, then the close naming S1.
  // Fixed: a close from a tab not on the name, made before the live login and naming another
  // session than its, ends it not (`SharedConnection.isAfter`); it is recorded instead.
  it('leaves the later login to a close naming the ended session, after the rejoin', async () => {
    const name = 'review-24e-recorded-logout-next-login-rejoin-first';
    const { first, second, closedAt, loginAt } = await loginAfterLogout(name);
    const c = world.startHub('build-a');
    const againA = await world.attachTab(c.hub, 'tab-a', { back: true });
    const cursor = { session: second.session, seq: 0, nextId: 1 };
    await againA.api.open('tab-a', relayOptions(name), cursor, undefined, 'rejoin', loginAt);
    againA.api.setInterest('tab-a', name, ALL);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const { resume } = handshake(world.latest());
    expect(resume.session).toBe(second.session);
    const againB = await world.attachTab(c.hub, 'tab-b', { back: true });
    await againB.api.close('tab-b', name, 1000, '', first.session, closedAt);
    // Fails here: the close ends the S2 login at c.
    expect(againA.states()).not.toContain('closed:logout');
  });
});
