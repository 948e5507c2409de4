/**
 * Review 25r of 6488e1a (review 25q's fixes): `SharedConnection.isAfter` is now false for a
 * login that started from a cursor with `epoch` ≥ 1, whatever the dates, so a close re-posted
 * by a tab not on the name ends it (`Hub.close`). Hub c cannot tell the logged-out user's
 * reloaded page (25q) from the NEXT user's: bob's reloaded page, after the server moved bob's
 * login, starts from a cursor of epoch 1 too, and alice's stale close ends bob's login.
 *
 * Story (one SharedWorker, a url the cookie authenticates, gracePeriod 0): hub a holds alice's
 * S1; tab-a's app logs out (close naming S1, `at`) and hub a dies before answering; tab-a, a
 * background page, is frozen, so its close is posted again to the fresh worker c only later.
 * Meanwhile bob logs in through tab-b on c (S3, long after `at`); the server loses S3 and moves
 * bob's login onto S4 (`resync` onto a new id, epoch 1). bob reloads tab-b: the only page on the
 * name leaves (released, grace 0) and the reloaded page opens (`login`) from its pagehide cursor
 * S4@epoch 1, so c's login starts from it (`#from` = S4@1, `began` = c's now, after `at`) and
 * resumes S4. Then tab-a thaws and posts its close again (S1, `at`): `isAfter(at, S1)` is
 * `before(at, began) && !#from.epoch && !owns(S1)` = false, only for the epoch, and c closes
 * bob's login: the record's `at` vs `began` no longer protects it.
 *
 * Invariant: docs/design.md "Logout" (the logout ends the login the tab logged out of, not the
 * next one; sim/README.md "Invariants" does not check a handle a logout closed). Severity:
 * medium (bob is logged out for nothing: his socket is closed with reason `logout`, his app
 * must log in again; no data of alice's leaks). Narrow: a stale re-posted close (a worker death
 * in the logout's instant, a page whose re-post lags), a server move of the next login, and a
 * reload of it that starts the login again.
 * What I saw: bob's socket on S4 closed (readyState 3) and tab-b's states end `closed:logout`.
 * NEW with 6488e1a: on 2c4af87 (worktree /work/wt/25r-base) `isAfter` is true (bob's login began
 * after `at` and does not own S1), the close ends nothing, and bob's login stays open.
 * A fix: a date the cursor carries for when its login began (a page of the logged-out login
 * has one before `at`; bob's after), or a close naming every session of its login (the tab's
 * epoch chain), rather than the epoch alone.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, resumeFrameOf, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
/** The session the server moved bob's login onto. */
const S4 = 'fedcba9876543210fedcba9876543210';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it.fails('leaves bob’s reloaded login on a moved session to alice’s stale re-posted close', async () => {
  const name = 'review-25r-reposted-close-next-user-moved';
  const options = relayOptions(name, { gracePeriod: 0 });
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', options, undefined, undefined, 'login', Date.now());
  tabA.api.setInterest('tab-a', name, ALL);
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  const S1 = resumeFrameOf(first).session;
  first.receive(resumed(0));
  await new Promise((resolve) => setTimeout(resolve, 20));
  // alice logs out in tab-a; hub a dies before it gets the close.
  const at = Date.now();
  a.kill();
  await new Promise((resolve) => setTimeout(resolve, 10));
  const c = world.startHub('build-a');
  // bob logs in through tab-b on c.
  const tabB = await world.attachTab(c.hub, 'tab-b');
  let sockets = world.sockets.length;
  await tabB.api.open('tab-b', options, undefined, undefined, 'login', at + 5);
  tabB.api.setInterest('tab-b', name, ALL);
  await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
  const bob = world.latest();
  bob.accept();
  bob.receive(HELLO);
  // The server moves bob's login onto S4 (epoch 1).
  bob.receive(resyncOnto(S4));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const cursors = tabB.events.flatMap((event) => (event.kind === 'cursor' ? [event.cursor] : []));
  const cursor = cursors.at(-1) as { session: string; seq: number; epoch?: number };
  expect(cursor).toMatchObject({ session: S4, epoch: 1 });
  // bob reloads tab-b: the page leaves (released, grace 0), the reloaded one opens from its
  // pagehide cursor.
  c.hub.api({ postMessage: () => {} }).leave('tab-b');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const reloaded = await world.attachTab(c.hub, 'tab-b2');
  sockets = world.sockets.length;
  await reloaded.api.open('tab-b2', options, cursor as never, undefined, 'login');
  reloaded.api.setInterest('tab-b2', name, ALL);
  await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
  const again = world.latest();
  again.accept();
  again.receive(HELLO);
  const resumes = resumeFrameOf(again).session;
  again.receive(resumed(0));
  await vi.waitFor(() => expect(reloaded.states().at(-1)).toBe('open:open'));
  // tab-a thaws and posts its close again to c.
  const againA = await world.attachTab(c.hub, 'tab-a', { back: true });
  await againA.api.close('tab-a', name, 1000, '', S1, at);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // Fails here: bob's login on S4 closed by alice's logout.
  expect({
    resumes,
    open: again.readyState === 1,
    state: reloaded.states().at(-1),
  }).toEqual({ resumes: S4, open: true, state: 'open:open' });
});
