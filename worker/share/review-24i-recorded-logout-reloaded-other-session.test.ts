/**
 * Review 24i of d17ba2f (`Hub.open`: a logout re-posted to a fresh worker, recorded because the
 * hub holds no login of the name, closes every rejoin of the name whatever session its cursor
 * names; any other open goes on with the named session ended, `SharedConnection.endedElsewhere`).
 *
 * The commit's reason for "every rejoin": a login's tabs need not hold cursors of one session
 * (review 24g: the server moved the login to S2 with a `resync` onto a new id; a tab takes the
 * newer cursor only with its hub's next word, so the closing tab's close may name S1 while
 * another page of the login holds S2). The same holds for a page reloaded in the logout's
 * instant (docs/design.md, "When the worker dies": "a later login (a reloaded page's cursor of
 * it) never resumes the session"): its pagehide kept S2, and its new page opens the name as a
 * new login (intent `login`) with that cursor. The record ends only the named session S1, so
 * the reloaded page's open, the first of the name in the fresh worker, resumes S2, the
 * logged-out login's live session on the server (the worker died in the logout's instant, so
 * no `end` reached it). The open also uses the record up: tab-a's rejoin that comes after it
 * (its cursor of S1, the logout's) joins that login, not closed.
 *
 * Invariant (sim/README.md "Invariants", Logout): no push of the old login reaches a handle of
 * that browser after the logout, unless through a session started after the login ended (here
 * the new login resumes the logged-out S2 itself: its replay and its pushes reach the reloaded
 * page's handle, and tab-a's rejoined alice handle). Severity: high in effect (the logged-out
 * user's stream goes on in the reloaded page, and in the next user's login should the app log
 * bob in there), narrow (a session switch not yet told every tab, the worker's death in the
 * logout's instant, and a page reloaded in that instant).
 * What I saw: the reloaded page's open answers `connecting` (owner); its socket's first frame
 * is `{"$ts":"resume",…,"session":"<S2>",…}`; tab-a's rejoin after it answers `connecting`, not
 * `closed`.
 * OLDER: fails the same on 67fda3f (d17ba2f^, checked in worktree /work/wt/24i-base): a login
 * open ended only the named session there too (b9f010f); d17ba2f widened the rejoin rule only.
 * A fix: as review 24g proposed, record the sessions the closing tab knew of its login (its
 * cursor's and those before it in the login: the tab's `epoch` chain, or the session it left
 * with the resync); or take a `login` open's cursor with a higher `epoch` than the named
 * session's as of the same login (a `login` open with a cursor is a reloaded page's).
 */
import { afterEach, expect, it } from 'vitest';
import { HELLO, NONCE, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
/** The session the server moved the login to (its `resync` onto a new id). */
const S2 = '0123456789abcdef0123456789abcdef';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Fixed: a new login's cursor of another epoch than the first, while a logout is recorded,
// is of a session the server moved the logged-out login onto, and resumes nothing (`Hub.open`;
// a new login's own sessions start at epoch 0); the record outlives that open, so tab-b's
// rejoin of S1 after it joins closed.
it('keeps a reloaded page’s new login from the logged-out login’s other session', async () => {
  const name = 'review-24i-recorded-logout-reloaded-other-session';
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(a.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  const S1 = resumeFrameOf(first).session;
  // The server lost S1: the login goes on under S2 (epoch 1); tab-b (and the page that will
  // reload) opened after the move and hold S2, tab-a and tab-b's close name what they knew.
  first.receive(JSON.stringify({ $ts: 'resync', nonce: NONCE, seq: 0, session: S2 }));
  await tabB.api.open('tab-b', relayOptions(name));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const older = { session: S1, seq: 0, nextId: 65 };
  const newer = { session: S2, seq: 0, nextId: 65, epoch: 1 };
  // The worker dies in the logout's instant; tab-a's close (it names S1, the session it knew)
  // reaches the fresh worker first.
  a.kill();
  const c = world.startHub('build-a');
  const againA = await world.attachTab(c.hub, 'tab-a', { back: true });
  void againA.api.close('tab-a', name, 1000, '', older.session);
  // A page reloaded in that instant: a new tab, a new login with its pagehide cursor of S2.
  const reloaded = await world.attachTab(c.hub, 'tab-r');
  const sockets = world.sockets.length;
  const answer = await reloaded.api.open('tab-r', relayOptions(name), newer, undefined, 'login');
  reloaded.api.setInterest('tab-r', name, ALL);
  // tab-b's rejoin (its cursor of S1 too, as it had not heard the move) comes after.
  const againB = await world.attachTab(c.hub, 'tab-b', { back: true });
  const rejoin = await againB.api.open('tab-b', relayOptions(name), older, undefined, 'rejoin');
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  const resumes = world.sockets.slice(sockets).map((socket) => {
    socket.accept();
    socket.receive(HELLO);
    return resumeFrameOf(socket).session;
  });
  // Fails here: a socket resumes S2, and the rejoin joins that login (`connecting`).
  expect({ answer: answer.ok, resumesS2: resumes.includes(S2), rejoin }).toMatchObject({
    answer: true,
    resumesS2: false,
    rejoin: { ok: true, value: { state: 'closed' } },
  });
});
