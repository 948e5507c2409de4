/**
 * Review 24g of b9f010f (review 24e's three: `Hub.#loggedOut` records the session a re-posted
 * close named, and the name's next open applies it: only a rejoin whose cursor names that
 * session, or any rejoin when none was named, joins closed; any other open goes on with that
 * session ended, `SharedConnection.endedElsewhere`).
 *
 * A login's tabs need not hold cursors of one session: the server moved the login to a new
 * session (a `resync` onto a new id: it lost S1, or a renewed login's server), and a tab takes
 * that newer session's cursor only with its hub's next word (b4c8335): a worker that dies
 * between the cursor and the resync leaves a tab on S1 (docs/design.md: "their rejoin is told
 * the resync"), while a tab that opened after the move holds S2 only. Such a worker's death in
 * the logout's instant (review 23f's one-SharedWorker case): the logging-out tab's close names
 * its cursor's session, the other tab's rejoin brings the other one, and the record closes
 * nothing. The rejoin starts the logged-out login again: it resumes S2, the session the
 * server holds (close names S1), or S1, which the server answers with a new session of the
 * same user (close names S2); the record ended only the named session.
 *
 * Invariant (sim/README.md "Invariants", Logout): no push of the old login reaches a handle of
 * that browser after the logout, unless through a session started after the login ended (the
 * rejoin's resume is written before the re-posted close resolves, 1 s later, and resumes the
 * login's own session); and 9 s after close() resolves the browser has no socket. Severity:
 * high (the logged-out user's stream goes on in the other tab for good), narrow (a session
 * switch not yet told every tab, and the worker's death in the logout's instant).
 * What I saw: the rejoin's answer `state: 'connecting'`, `role: 'owner'`; a socket opens,
 * and its first frame is `{"$ts":"resume",…,"session":"<S2>","last":0,"held":true}` (close
 * names S1), or names S1 (close names S2). Before b9f010f the record closed any first open of
 * the name, and both variants joined closed.
 * NEW with b9f010f: both pass on 54594ca (b9f010f^, checked in a worktree); both fail on
 * 62e711a, before the record (da65856), as review 23f's rejoin resumed there (OLDER than round
 * 24 as a class; a regression of fix da65856).
 * A fix: record the sessions the closing tab knew of its login (its cursor's and those before it
 * in the login: the tab's `epoch` chain, or the session it left with the resync), or keep the
 * rule "any rejoin joins closed" and close only a `login` open's session ended (review 24e's
 * worry was a login made since, which is never a `rejoin`).
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

for (const variant of ['the close names S1, the rejoin S2', 'the close names S2, the rejoin S1']) {
  // Fixed: the record closes every rejoin of the name, whatever session its cursor names
  // (`Hub.open`; review 24e's login made since in the dead hub is closed with it).
  it(`joins the rejoin closed when ${variant}`, async () => {
    const name = `review-24g-recorded-logout-${variant.includes('close names S1') ? 'older' : 'newer'}`;
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(a.hub, 'tab-b');
    await tabA.api.open('tab-a', relayOptions(name));
    tabA.api.setInterest('tab-a', name, ALL);
    const first = world.latest();
    first.accept();
    first.receive(HELLO);
    const S1 = resumeFrameOf(first).session;
    // The server lost S1: the login goes on under S2 (epoch 1).
    first.receive(JSON.stringify({ $ts: 'resync', nonce: NONCE, seq: 0, session: S2 }));
    await tabB.api.open('tab-b', relayOptions(name));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const older = { session: S1, seq: 0, nextId: 65 };
    const newer = { session: S2, seq: 0, nextId: 65, epoch: 1 };
    const [closing, rejoining] = variant.includes('close names S1')
      ? [older, newer]
      : [newer, older];
    // The worker dies in the logout's instant; tab-b's close reaches the fresh worker first.
    a.kill();
    const c = world.startHub('build-a');
    const againB = await world.attachTab(c.hub, 'tab-b', { back: true });
    void againB.api.close('tab-b', name, 1000, '', closing.session);
    const againA = await world.attachTab(c.hub, 'tab-a', { back: true });
    const sockets = world.sockets.length;
    const answer = await againA.api.open(
      'tab-a',
      relayOptions(name),
      rejoining,
      undefined,
      'rejoin',
    );
    againA.api.setInterest('tab-a', name, ALL);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const resumes = world.sockets.slice(sockets).map((socket) => {
      socket.accept();
      socket.receive(HELLO);
      return resumeFrameOf(socket).session;
    });
    // Fails here: 'connecting' (owner), and a socket resumes the rejoin's session.
    expect({ answer, resumes }).toMatchObject({
      answer: { ok: true, value: { state: 'closed' } },
      resumes: [],
    });
  });
}
