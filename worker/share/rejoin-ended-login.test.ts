/**
 * Review of fix19's `WireLink.learn(cursor, rejoin)` (19cf2cd, c2c24ec): an owner whose own
 * new session has not gone out goes on with the session a rejoining hub's cursor names. A
 * rejoin's cursor is not always of the login running now: a tab whose worker died before a
 * logout in another tab never heard it, and its fresh hub rejoins with the logged-out
 * login's cursor. The test fails on the code as it is.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe('a rejoin with the cursor of a login that ended', () => {
  it('the new login of an owner does not resume the session its tab logged out of, from a rejoining hub’s cursor', async () => {
    // No SharedWorker: tab-b's hub owns the socket, tab-a's relays. tab-a's worker dies;
    // tab-b logs out and logs in again (the same user: a new login, its own new session,
    // connecting). tab-a's fresh hub rejoins with its cursor of the session just logged
    // out (it heard no logout: its worker was dead); the owner learns it as a rejoin's and
    // its new login's socket resumes that session. The reference server keeps a session a
    // logout closed (sim/README, Still open): the new login then hears the old one's pushes.
    // Invariant: no push of a logged-out session reaches the next login (docs/design.md).
    const name = 'rejoin-after-logout';
    const b = world.startHub('build-b');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabB.api.open('tab-b', relayOptions(name));
    tabB.api.setInterest('tab-b', name, ALL);
    const first = world.latest();
    first.accept();
    first.receive(HELLO);
    const old = resumeFrameOf(first);
    first.receive(resumed(0));
    first.receive(JSON.stringify({ $ts: 'push', seq: 1, data: 'old-login' }));

    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    tabA.api.setInterest('tab-a', name, ALL);
    a.kill();

    // The logout, and the next login in the same tab.
    tabB.api.close('tab-b', name, 1000, '');
    await vi.waitFor(() => expect(tabB.states().at(-1)).toBe('closed:logout'));
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(1));
    const next = world.latest();

    // tab-a, back on a fresh worker, rejoins from the cursor it held.
    const fresh = world.startHub('build-a');
    const tabAgain = await world.attachTab(fresh.hub, 'tab-a', { back: true });
    void tabAgain.api.open(
      'tab-a',
      relayOptions(name),
      { session: old.session, seq: 1, nextId: 1 },
      undefined,
      'rejoin',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));

    next.accept();
    next.receive(HELLO);
    expect(resumeFrameOf(next).session).not.toBe(old.session);
  });
});
