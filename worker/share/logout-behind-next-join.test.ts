/**
 * Review 9 of the relay's login numbers (8df5d6e): the owner takes no message of a login
 * older than the last it heard from that hub. A relaying hub's logout (`close`, on its
 * login's channel) and its next login's join (on a new channel) may reach the owner in
 * either order with lagging channels (the sim's `channel-lag`, which 8df5d6e is about).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('a relaying hub’s logout that reaches the owner after its next login’s join', () => {
  // Invariants (docs/design.md "Delivery guarantees", docs/api.md close()): a logout ends
  // the login for every tab of the browser; after close() resolves no push of the old
  // session reaches any handle.
  // Severity: high (the logout is lost: the owner goes on with the logged-out user's
  // session, and every other tab hears its pushes for good; tab-b's close() resolves
  // after the 1 s bound all the same).
  // What I saw: b relays to a; tab-b logs out (b posts `close`, login 1, on its channel)
  // and another tab of b connects at once (b's login 2 joins on a new channel). With a
  // lagging channel a reads the join first (peer b: login 2), then the `close` of login 1,
  // which `RelayOwner.receive` drops as an earlier login's message: a never closes, and
  // tab-a hears push 2 of the logged-out session. NEW with 8df5d6e: before, a read the
  // `close` late all the same and closed the login (b's new login with it, a lesser harm).
  // Checked: with the login rule of `RelayOwner.receive` removed, this test passes.
  // Fixed: the owner takes a `close` (and `holds`) of an earlier login of the hub as well.
  it('the owner closes the login, whichever comes first', async () => {
    const name = 'logout-behind-next-join';
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    const tabNew = await world.attachTab(b.hub, 'tab-new');
    await tabA.api.open('tab-a', relayOptions(name));
    tabA.api.setInterest('tab-a', name, ALL);
    const { socket } = handshake(world.latest());
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    socket.receive(push(1));
    await vi.waitFor(() => expect(tabA.frames()).toHaveLength(1));
    // b's login channel lags: its `close` reaches a only after the next login's join.
    const held: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-a' || message.kind !== 'close') return undefined;
      held.push(message);
      return 'lost';
    };
    const closing = Promise.resolve(tabB.api.close('tab-b', name, 1000, ''));
    await vi.waitFor(() => expect(held).toHaveLength(1));
    const joined = new Promise<void>((read) => {
      world.hooks.relayReceived = (build, message) => {
        if (build === 'build-a' && message.kind === 'close') return 'lost';
        if (build === 'build-a' && message.kind === 'join') setTimeout(read, 0);
        return undefined;
      };
    });
    void tabNew.api.open('tab-new', relayOptions(name));
    await joined;
    // Then the lagging `close`, to a alone.
    delete world.hooks.relayReceived;
    world.deliver(name, held, 'build-a');
    await closing;
    socket.receive(push(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect({ closed: socket.closeCalls.length > 0, framesOfA: tabA.frames().length }).toEqual({
      closed: true,
      framesOfA: 1,
    });
  });
});
