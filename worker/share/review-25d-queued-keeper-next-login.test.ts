/**
 * Round 25 (helper 25d), sim/README "Still open", "not covered by the kept lock" (helper
 * 24b), its first half for a keeper still queued: a relaying hub whose tab logged out keeps
 * its place in the lock's queue, ahead of a hub queued since with a cursor of the ended
 * login; its own next login lets go of that place (`SharedConnection.start`: `#letGo`, then
 * a lock request at the back of the queue) and joins the logged-out owner, which that join
 * wakes: it lets go, and the lock goes to the hub queued next, a page reloaded in the
 * instant of the logout with its pagehide cursor of S1. On lagging channels (that hub hears
 * nothing, and nothing of it is heard: not the `leaving`s that name S1, nor its join), it
 * takes the socket at once and resumes S1: the logged-out login's pushes reach the next
 * login. Invariant: Logout. Severity: high where it happens (narrow: a page reloaded in the
 * logout's instant, lagging channels both ways). OLDER: fails the same on 801b648^ (before
 * round 24). A fix: the keeper's next login relays from the place it kept (its lock request
 * taken over by the new login's relay); with the lock, it takes the socket on as round 25's
 * granted keeper does. Not tried (the worker bundle has 7 B left of its limit).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HELLO, handshake, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe("a queued keeper's own next login", () => {
  // Fixed: a queued keeper's own next login keeps its place in the lock's queue: its lock
  // request passes to that login's relay (`SharedConnection.start`, `#letGo`'s `place`), its
  // `leaving` still posted; the lock comes to it ahead of the reloaded page's hub, and it
  // takes the socket on a session of its own (its login began after the logout).
  it('leaves no hub queued behind it with a cursor of the ended login the socket', async () => {
    const name = 'queued-keeper';
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    const { resume } = handshake(world.latest());
    const session = resume.session;
    const b = world.startHub('build-b');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    await tabB.api.close('tab-b', name, 1000, '');
    await vi.waitFor(() => expect(tabA.states().at(-1)).toBe('closed:logout'));
    // A page reloaded in the logout's instant, queued behind b with S1's cursor, on a
    // channel that lags both ways.
    world.hooks.relayReceived = (build, message) =>
      build === 'build-c' || (message.kind === 'join' && message.build === 'build-c')
        ? 'lost'
        : undefined;
    const c = world.startHub('build-c');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    void tabC.api.open('tab-c', relayOptions(name), { session, seq: 0, nextId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sockets = world.sockets.length;
    void tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = world.latest();
    next.accept();
    next.receive(HELLO);
    expect(resumeFrameOf(next).session).not.toBe(session);
    // The lock came to b's next login, from the place b kept.
    expect(b.hub.inspect(name)?.role).toBe('owner');
  });
});
