/**
 * Round 25 (helper 25d), sim/README "Still open", "not covered by the kept lock" (helper
 * 24b): a relaying hub whose tab logged out (a keeper) keeps its place in the lock's queue,
 * and the lock once it comes, so that no hub queued with a cursor of the login that ended
 * takes it; but its own next login still lets go of the lock (`SharedConnection.start`:
 * `#letGo`, a `leaving` that says `loggedOut`), where a logged-out owner's next login takes
 * the socket on with it (round 24). The lock goes to the hub queued next: a page reloaded
 * in the instant of the logout, with its pagehide cursor of the ended session S1, which
 * heard no owner (the logged-out owner died) and, on a lagging channel, not the keeper's
 * `leaving` either; it takes the socket at once and resumes S1: the logged-out login's
 * pushes reach the next login. Invariant: Logout (no push of the old login after it).
 * Severity: high where it happens (narrow: a logout, the owner's death and a page reloaded
 * in the same instant, and a lagging channel). OLDER: fails the same on 801b648^ (before
 * round 24's kept lock).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HELLO, handshake, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe("a keeper's own next login, with the lock", () => {
  // Fixed: a keeper that holds the lock takes the socket on with it for its own next login,
  // as a logged-out owner does (`SharedConnection.start`): no `leaving`, the lock kept.
  it('hands no hub queued with a cursor of the ended login the socket', async () => {
    const name = 'keeper-next-login';
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    const { resume } = handshake(world.latest());
    const session = resume.session;
    const b = world.startHub('build-b');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    // tab-b logs out: b keeps its place, a closes and keeps the lock; then a dies, and the
    // lock is b's.
    await tabB.api.close('tab-b', name, 1000, '');
    await vi.waitFor(() => expect(tabA.states().at(-1)).toBe('closed:logout'));
    a.kill();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A page reloaded in the logout's instant, queued behind b with S1's cursor; the channels
    // lag: b does not hear its join, and it hears nothing of b's (its `leaving`, its next
    // login's join and the sessions that names ended) before its socket resumed.
    world.hooks.relayReceived = (build, message) =>
      (build === 'build-b' && message.kind === 'join') || build === 'build-c' ? 'lost' : undefined;
    const c = world.startHub('build-c');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    void tabC.api.open('tab-c', relayOptions(name), { session, seq: 0, nextId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // tab-b's app logs in again.
    const sockets = world.sockets.length;
    void tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = world.latest();
    next.accept();
    next.receive(HELLO);
    expect(resumeFrameOf(next).session).not.toBe(session);
  });
});
