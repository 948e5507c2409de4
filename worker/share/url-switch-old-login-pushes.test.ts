/**
 * Review 10: a relaying hub whose tab opens the name with another url keeps its replaced
 * login (a relay that stopped queueing, `SharedConnection.close('replaced')`) following the
 * owner until the owner's word closes it; meanwhile its `HeardStream` told the hub's tabs on
 * the name (the registry delivers by name) the old url's pushes, and then its end
 * (`closed:replaced`) to the new url's handle. Fixed: the replaced login's stream is
 * detached from the tabs (`HeardStream.detach`).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe('a relaying hub’s tab that switched url, while the owner has not read the switch', () => {
  // Invariant (docs/design.md "Delivery guarantees", sim "foreign push"): no push of another
  // login reaches a handle; a new url under a known name is a new login that replaces the
  // old one everywhere ("One socket per browser").
  // Severity: medium (pushes of the old url's login, e.g. the previous user's, reach the tab
  // that opened the new url, for as long as the owner takes to read the `close` (a busy
  // worker, a lagging channel), or for good if the owner dies or hands over first: see
  // replaced-login-closes-own-next.test.ts; the tab has no cursor of the new login yet,
  // so the client's seq filter, `StreamCursors`, passes them: argued, not run here).
  // What I saw: b relays to a (U1); a's reading of b's `close` (`replaced`) lags; tab-b's
  // open of U2 resolves (after the 1 s `known` bound: the new login waits for the lock);
  // push 1 of a's U1 session then reaches tab-b as `frames` of the name, relayed by b's
  // replaced U1 login. PRE-EXISTING: with a966baa's shared-connection.ts and relay-owner.ts
  // the test fails the same way.
  it('the new url’s tab hears none of the old url’s pushes', async () => {
    const name = 'url-switch-old-login-pushes';
    const u1 = relayOptions(name);
    const u2 = { ...u1, url: 'ws://127.0.0.1:9/other' };
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabA.api.open('tab-a', u1);
    tabA.api.setInterest('tab-a', name, ALL);
    const { socket } = handshake(world.latest());
    await tabB.api.open('tab-b', u1);
    tabB.api.setInterest('tab-b', name, ALL);
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    // a's worker is busy: b's `close` waits unread.
    const held: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-a' || message.kind !== 'close') return undefined;
      held.push(message);
      return 'lost';
    };
    const opened = Promise.resolve(tabB.api.open('tab-b', u2));
    await vi.waitFor(() => expect(held.length).toBeGreaterThanOrEqual(1));
    await opened;
    tabB.api.setInterest('tab-b', name, ALL);
    const before = tabB.frames().length;
    socket.receive(push(1));
    await vi.waitFor(() => expect(tabA.frames()).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Seen: 1 (push 1 of U1's session, as `frames` of the name, after tab-b opened U2).
    // Fixed: the replaced login's stream no longer reaches the hub's tabs (`HeardStream.detach`).
    expect(tabB.frames().length - before).toBe(0);
    // Nor does its end: a reads the switch and closes U1 for every hub; tab-b's U2 goes on.
    const statesBefore = tabB.states().length;
    delete world.hooks.relayReceived;
    const channel = new BroadcastChannel(relayChannelName(name));
    for (const message of held) channel.postMessage(message);
    channel.close();
    await vi.waitFor(() => expect(tabA.states().at(-1)).toBe('closed:replaced'));
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(1));
    handshake(world.latest());
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    expect(
      tabB
        .states()
        .slice(statesBefore)
        .filter((state) => state.startsWith('closed')),
    ).toEqual([]);
  }, 5_000);
});
