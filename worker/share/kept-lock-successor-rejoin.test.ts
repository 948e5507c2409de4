/**
 * Round 25 (helper 25d): sim/dormant-owner-leaving-own-session.test.ts, NEW with round 24's
 * kept lock. A hub that logs out keeps the lock for its next login, which takes the socket
 * on and announces `afterLogout`; it posts no `leaving`. Its worker dies before that login
 * wrote a resume. The hub next in the queue, whose new login followed it, takes the lock
 * on the kept login's fresh session; a fresh hub of a page whose worker died before the
 * logout rejoins with the ended session's cursor, and the new owner, knowing of no logout,
 * took that session up (`WireLink.learn`: a rejoin's cursor over a fresh session): the
 * logged-out login's pushes reached the next login. The kept login's owner leaves such a
 * cursor (`keptSinceLogout`); its successor did not. Now a login that follows an owner
 * whose login began after a logout began after it too (`LoginEnds.followsAfterLogout`),
 * and, owner, leaves a rejoin's cursor of another session than its own, as the kept login
 * did (its announcements say `afterLogout` in turn).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HELLO, handshake, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe('the successor of a kept-lock login that dies before its resume', () => {
  it('resumes no session of the login that ended that a rejoining hub brings', async () => {
    const name = 'kept-lock-successor';
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    const { resume } = handshake(world.latest());
    const session = resume.session;
    // tab-a logs out and in again: a keeps the lock, its next login takes the socket on.
    await tabA.api.close('tab-a', name, 1000, '');
    let sockets = world.sockets.length;
    await tabA.api.open('tab-a', relayOptions(name));
    await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
    // b's new login (its hub heard no logout: it started since) follows a's next login.
    const b = world.startHub('build-b');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabB.api.open('tab-b', relayOptions(name));
    // a dies before its socket opened: b takes the lock, on a's fresh session.
    sockets = world.sockets.length;
    a.kill();
    await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
    const next = world.latest();
    // A page whose worker died before the logout comes back on a fresh hub: it rejoins with
    // the logged-out session's cursor, having heard no logout.
    const c = world.startHub('build-c');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    void tabC.api.open(
      'tab-c',
      relayOptions(name),
      { session, seq: 0, nextId: 1 },
      undefined,
      'rejoin',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    next.accept();
    next.receive(HELLO);
    expect(resumeFrameOf(next).session).not.toBe(session);
  });
});
