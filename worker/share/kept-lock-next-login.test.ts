/**
 * Round 24 (helper 24b): a hub that took the socket with no cursor, and whose tab logs out,
 * never knew the login's session: it took the lock as the owner died, before it heard that
 * owner's answer (sim/review-23a-logout-takeover-without-cursor.test.ts,
 * sim/review-23f-silent-owner-reload-kill.test.ts, sim/search-44503-logout-during-owner-reload.test.ts).
 * Its logout ends only its own fresh session. Before, its next login let go of the lock, and
 * the session came back: a hub queued with a reloaded page's cursor of it took the lock and
 * resumed it, or a rejoining hub's cursor of it reached the next owner, which resumed it.
 * Now a logged-out owner's own next login takes the socket on with the lock its logout kept:
 * no hub owned the socket since the logout, so a cursor of another session than this login's
 * is of the login that ended.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HELLO, handshake, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** a owns S1; b's join never reaches a; a dies, b takes the socket with no cursor, and logs out. */
async function logoutOfUnknownSession(name: string) {
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  const { resume } = handshake(world.latest());
  world.hooks.relayReceived = (build, message) =>
    build === 'build-a' && message.kind === 'join' ? 'lost' : undefined;
  const b = world.startHub('build-b');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  void tabB.api.open('tab-b', relayOptions(name));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const sockets = world.sockets.length;
  a.kill();
  await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
  delete world.hooks.relayReceived;
  await tabB.api.close('tab-b', name, 1000, '');
  await vi.waitFor(() => expect(tabB.states().at(-1)).toBe('closed:logout'));
  return { session: resume.session, tabB };
}

describe('the next login of an owner that logged out of a session it never knew', () => {
  it('resumes no session a rejoining hub brings', async () => {
    const name = 'kept-lock-rejoin';
    const { session, tabB } = await logoutOfUnknownSession(name);
    const sockets = world.sockets.length;
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
    const next = world.latest();
    // tab-a's page, back on a fresh worker, rejoins with S1's cursor: it heard no logout.
    const fresh = world.startHub('build-a');
    const tabAgain = await world.attachTab(fresh.hub, 'tab-a', { back: true });
    void tabAgain.api.open(
      'tab-a',
      relayOptions(name),
      { session, seq: 0, nextId: 1 },
      undefined,
      'rejoin',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    next.accept();
    next.receive(HELLO);
    expect(resumeFrameOf(next).session).not.toBe(session);
  });

  it('keeps the lock from a queued hub whose tab brought a cursor of the ended login', async () => {
    const name = 'kept-lock-queued';
    const { session, tabB } = await logoutOfUnknownSession(name);
    // A reloaded page's hub, queued with its pagehide cursor of S1; on lagging channels, the
    // logged-out owner does not hear its join, and it hears no owner (nor a `leaving`).
    world.hooks.relayReceived = (build, message) =>
      (build === 'build-b' && message.kind === 'join') ||
      (build === 'build-c' && message.kind === 'leaving')
        ? 'lost'
        : undefined;
    const c = world.startHub('build-c');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    void tabC.api.open('tab-c', relayOptions(name), { session, seq: 0, nextId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sockets = world.sockets.length;
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(world.sockets.length).toBe(sockets + 1);
    const next = world.latest();
    next.accept();
    next.receive(HELLO);
    expect(resumeFrameOf(next).session).not.toBe(session);
  });
});
