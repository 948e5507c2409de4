/**
 * Review 9: a relaying hub whose tab opens the name with another url (a new login, another
 * user) before the owner answered the hub's join. `SharedConnection.close('replaced')` tells
 * the owner nothing when the hub does not follow it yet, and the hub's new login learns of
 * the owner of the old url only from its answer to the new join.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe('a relaying hub whose tab switches url before the owner answered it', () => {
  // Invariants: every open handle hears pushes after healing; one socket per browser+name,
  // of the url the last login asked for (docs/design.md "One socket per browser": a new url
  // under a known name is a new login that replaces the old one everywhere; relay.test.ts
  // "a new login in a relaying hub replaces the old one everywhere").
  // Severity: high (the tab of the new login never connects: it sits at `idle` for good,
  // and the old url's login is closed for every other tab too: no socket at all).
  // What I saw: b's join reached a, but b had not read a's answer (b's worker busy) when
  // its tab opened the name with another url. b, not following, closes here with no word
  // to a; its new entry joins a; a, live, answers with its url; b sees another url and
  // posts `close` (`replaced`); a closes for every hub and stays dormant with the lock,
  // which only a join posted after that wakes. None comes: b waits in the lock's queue
  // forever. (Had b followed a, its old login's `close` went first, and the new join found
  // a dormant: the case relay.test.ts covers.)
  // Also with these commits (8df5d6e): when b's old login was its second with a's current
  // login (b logged out and in again), a ignores the new entry's join outright, its login
  // number (1, a new SharedConnection) being lower; the outcome is the same hang.
  // PRE-EXISTING (not from these commits: with the login rule of `RelayOwner.receive`
  // removed, the test fails the same way, at the same line).
  // Fixed: an owner a peer's `close` (`replaced`) closed lets go of the lock at once.
  it('the new url’s login gets the one socket of the name', async () => {
    const name = 'relay-url-switch-unanswered';
    const options = relayOptions(name);
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabA.api.open('tab-a', options);
    handshake(world.latest());
    await vi.waitFor(() => expect(tabA.states().at(-1)).toBe('open:open'));
    // b's worker is busy: a's answer to its join waits.
    const held: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-b' || message.kind !== 'owner') return undefined;
      held.push(message);
      return 'lost';
    };
    void tabB.api.open('tab-b', options);
    await vi.waitFor(() => expect(held).toHaveLength(1));
    delete world.hooks.relayReceived;
    // Meanwhile b's tab opens the name with another url.
    const other = 'ws://127.0.0.1:9/other';
    void tabB.api.open('tab-b', { ...options, url: other });
    await vi.waitFor(() => expect(tabA.states().at(-1)).toBe('closed:replaced'));
    // The new url's login takes the lock a keeps, and opens the one socket of the name.
    await vi.waitFor(() => expect(world.latest().url).toBe(other), { timeout: 2_000 });
    expect(world.sockets.filter((socket) => socket.closeCalls.length === 0)).toHaveLength(1);
  });
});
