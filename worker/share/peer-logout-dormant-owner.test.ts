/**
 * An owner a relaying hub's logout closed keeps the lock for the login that ended, as after
 * its own logout (`SharedConnection.#loggedOut`): a page that reloads in the instant of the
 * logout brings a cursor of that login's session, and its hub, a new login, must not resume
 * it (seed 4102's fix, for a logout made in another hub than the owner's).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handshake, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe('an owner closed by a relaying hub’s logout', () => {
  it('names the session of the next login’s cursor as ended: that login does not resume it', async () => {
    const name = 'peer-logout-dormant-owner';
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabA.api.open('tab-a', relayOptions(name));
    const { socket } = handshake(world.latest());
    const session = resumeFrameOf(socket).session;
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    await tabB.api.close('tab-b', name, 1000, '');
    await vi.waitFor(() => expect(tabA.states().at(-1)).toBe('closed:logout'));
    // A page reloaded as the user logged out: its hub, new, brings that session's cursor.
    const c = world.startHub('build-c');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    void tabC.api.open('tab-c', relayOptions(name), { session, seq: 0, nextId: 65 });
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(1));
    const next = handshake(world.latest());
    expect(next.resume.session).not.toBe(session);
  });
});
