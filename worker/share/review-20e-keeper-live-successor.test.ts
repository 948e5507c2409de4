/**
 * Review 20e, an attack on 2f899fd (`Keeper.loggedOut`): a keeper counts no announcement of
 * the owner it followed, nor of one that answered its join, as live. But an owner of the
 * logged-out login may be neither: the hub that took the socket over from the owner the
 * keeper followed, before it read the keeper's logout. Its announcement (`joined: ''`)
 * counts as live, and when it dies before it reads the logout, no word takes it out again.
 *
 * Invariant: after a logout no push of the logged-out session reaches any handle of the
 * browser (sim/README.md "Invariants", Logout). Severity: high (pushes of the logged-out
 * user reach a page after the logout), though the premise takes two deaths in the instant
 * of a logout and a lag, as review 20b's.
 *
 * What I saw: a owns S; c relays it with interest; b opens (no cursor yet) and its tab logs
 * out as a reads b's join (a answers b: b's `loggedOut` = {a}). a dies before it reads b's
 * logout; b's logout lags on its way to c. The lock comes to c (a's lifetime lock is free):
 * c resumes S and announces it (`joined: ''`): b, a keeper now, records S live (c is not in
 * `loggedOut`); b's `sessions` lacks S (its cursor was undefined at its logout). c's hub
 * dies before it reads b's logout (its socket drops: S stays resumable). The lock comes to
 * b; c's page comes back with S's cursor and joins; b lets go with `leaving { ended: S,
 * loggedOut: { live: [S] } }`, the page's hub keeps S and resumes it: S's pushes reach it.
 *
 * OLDER than 2f899fd (it fails on f4a49f5 too: any announcement counted as live there);
 * NEW since b44cd59 (it passes on 29e7b91: the `leaving`'s `ended: S` ends S there).
 * 2f899fd fixed review 20b's two shapes, where the announcing owner is the followed one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe('a keeper that hears the announcement of the owner that took over, and no word after it', () => {
  // Fixed: the keeper's `live` is withdrawn; its `leaving` names the joining page's cursor
  // ended, as on 29e7b91 (keeper-leaving-ends-live-session.test.ts is open again).
  it('ends the logged-out session for a page that reloaded in the logout', async () => {
    const name = 'review-20e-keeper-live-successor';
    let closeB: () => unknown = () => undefined;
    let joins = 0;
    let aMissed = false;
    const heldForC: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      const logout = message.kind === 'close' && message.reason === 'logout';
      // a dies before it gets to b's logout; b's logout lags on its way to c.
      if (logout && build === 'build-a') {
        aMissed = true;
        return 'lost';
      }
      if (logout && build === 'build-c') {
        heldForC.push(message);
        return 'lost';
      }
      // b's tab logs out as a reads b's join (c's was the first): before a's answer.
      if (build === 'build-a' && message.kind === 'join' && ++joins === 2) closeB();
      return undefined;
    };
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    const S = handshake(world.latest()).resume.session;
    const c = world.startHub('build-c');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    await tabC.api.open('tab-c', relayOptions(name));
    tabC.api.setInterest('tab-c', name, ALL);
    const b = world.startHub('build-b');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    closeB = () => tabB.api.close('tab-b', name, 1000, '');
    void tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(tabB.states()).toContain('closed:logout'));
    await vi.waitFor(() => expect(aMissed && heldForC.length > 0).toBe(true));
    // a dies: c takes the lock and resumes S before it reads b's logout.
    let before = world.sockets.length;
    a.kill();
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(before));
    const taken = handshake(world.latest()).resume.session;
    // c's hub dies before it reads b's logout.
    c.kill();
    before = world.sockets.length;
    const next = world.startHub('build-c');
    const tab = await world.attachTab(next.hub, 'tab-c', { back: true });
    void tab.api.open('tab-c', relayOptions(name), { session: S, seq: 0, nextId: 1 });
    tab.api.setInterest('tab-c', name, ALL);
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(before));
    const resumed = handshake(world.latest()).resume.session;
    expect(taken).toBe(S);
    expect(resumed).not.toBe(S);
  });
});
