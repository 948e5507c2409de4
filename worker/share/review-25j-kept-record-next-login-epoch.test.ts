/**
 * Review 25j of helper 25a's change (c27e36d, `git diff 8a4024d c5dbf5a`): while a re-posted
 * logout is recorded (`Hub.#loggedOut`, now kept for the worker's life), an open's cursor with
 * `epoch ≥ 1` resumes nothing (`Hub.open`: `record && cursor && (… || cursor.epoch)`), meant
 * for a reloaded page of the logged-out login on a session the server moved it onto (24i).
 * The rule does not ask whose login the cursor is of: it ends the next user's sessions too.
 *
 * Story (one SharedWorker, a url the cookie authenticates): hub a holds alice's S1 and dies in
 * the logout's instant; tab-a's close goes to the fresh worker c, which records it. bob logs in
 * through tab-b on c, long after (S3). The server loses S3 (a restart without its sessions)
 * and moves bob's login onto S4 (`resync` onto a new id, epoch 1); tab-b hears bob's pushes
 * 1–2 of S4. tab-b's page goes into the back/forward cache (pagehide: `leave`), the only page
 * on the name, and after the grace period the login is released (the server keeps S4 for its
 * `maxAge`). Meanwhile the server pushes 3 and 4 into S4. The page comes back (`pageshow`
 * persisted: `HubClient.#rejoin`, intent `rejoin`, its cursor S4@2 epoch 1, `since` bob's
 * login time, after the record's `at`): not `late`, but its epoch marks S4 ended
 * (`endedElsewhere`), and c opens a socket that resumes no session: pushes 3 and 4, which the
 * server holds for S4, never reach the page. (A reloaded page of bob's, a `login` with its
 * pagehide cursor, is taken the same way.)
 *
 * Invariant (sim/README.md "Invariants"): Delivery: `gap without resync` if the tab is not
 * told `resync` (the test shows what it is told), else a resync with nothing to force it
 * (the server had the pushes). Severity: high where it happens (bob loses pushes the server
 * kept, or refetches for nothing), narrow: a worker death in a logout's instant earlier in
 * the worker's life, a server resync of the next login, and a release and rejoin (or a
 * reload) after it.
 * What I saw: the rejoin's socket's resume names a fresh id, not S4, so the server cannot
 * replay 3 and 4, and the tab is told no `resync` after its rejoin (a gap without resync).
 * NEW: on 8a4024d (checked in worktree /work/wt/25j-base) bob's login used up the record, and
 * the rejoin resumes S4.
 * A fix: end an epoch ≥ 1 cursor's session only for a login made before the record's `at`
 * (the open's `since`), or only until a login made after it was live on this hub.
 */
import { afterEach, expect, it, vi } from 'vitest';
import {
  HELLO,
  handshake,
  resumed,
  resumeFrameOf,
  resyncOnto,
} from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number, user: string) =>
  JSON.stringify({ $ts: 'push', seq, data: { user, n: seq } });
/** The session the server moved bob's login onto. */
const S4 = 'fedcba9876543210fedcba9876543210';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Fixed: the epoch rule (a new login's cursor of another epoch resumes nothing while a logout is
// recorded, review 24i) holds only until a login starts on this hub after the record
// (`LoggedOut.next`): the sessions the server moves a login made since onto are its own. Left:
// a page of the logged-out login reloaded only after such a login started (it joins it while
// live) and was released, its cursor of a session the record does not name, resumes it.
it('resumes the next user’s moved session for its restored page', async () => {
  const name = 'review-25j-record-next-login-epoch';
  const options = relayOptions(name, { gracePeriod: 0 });
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', options);
  tabA.api.setInterest('tab-a', name, ALL);
  const first = handshake(world.latest());
  a.kill();
  const c = world.startHub('build-a');
  const againA = await world.attachTab(c.hub, 'tab-a', { back: true });
  const at = Date.now();
  await againA.api.close('tab-a', name, 1000, '', first.resume.session, at);
  // bob logs in through tab-b on c, after close() resolved.
  const tabB = await world.attachTab(c.hub, 'tab-b');
  let sockets = world.sockets.length;
  const bobAt = at + 5;
  await tabB.api.open('tab-b', options, undefined, undefined, 'login', bobAt);
  tabB.api.setInterest('tab-b', name, ALL);
  await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
  const bob = world.latest();
  bob.accept();
  bob.receive(HELLO);
  // The server lost S3 (bob's fresh session, resumed at once): bob's login goes on under S4
  // (epoch 1), and bob hears 1 and 2.
  bob.receive(resyncOnto(S4));
  bob.receive(push(1, 'bob'));
  bob.receive(push(2, 'bob'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const cursors = tabB.events.flatMap((event) => (event.kind === 'cursor' ? [event.cursor] : []));
  const cursor = { ...cursors.at(-1), session: S4, seq: 2 } as {
    session: string;
    seq: number;
    nextId: number;
    epoch?: number;
  };
  expect(cursor.epoch).toBe(1);
  // tab-b's page goes into the back/forward cache; the login is released (grace 0).
  c.hub.api({ postMessage: () => {} }).leave('tab-b');
  await new Promise((resolve) => setTimeout(resolve, 50));
  // It comes back and rejoins from its cursor.
  await tabB.api.attach('tab-b', true);
  sockets = world.sockets.length;
  const heard = tabB.events.length;
  const answer = await tabB.api.open('tab-b', options, cursor, undefined, 'rejoin', bobAt);
  tabB.api.setInterest('tab-b', name, ALL);
  expect(answer.ok).toBe(true);
  await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
  const again = world.latest();
  again.accept();
  again.receive(HELLO);
  const resume = resumeFrameOf(again);
  again.receive(resumed(2));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const told = tabB.events.slice(heard).filter((event) => event.kind === 'resync').length;
  // Failed here: the resume named a fresh session, not S4 (so 3 and 4 cannot be replayed),
  // and no `resync` is told.
  expect({ session: resume.session, told }).toEqual({ session: S4, told: 0 });
});
