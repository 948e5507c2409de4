/**
 * A logout in a tab of a relaying hub takes effect when the owner closes the login: until
 * then the owner may still pass the login's pushes to other hubs' tabs. So `close()` answers
 * once the owner said it closed, or within a second should it never say so.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** a owns the socket and b relays; b's `close` to a is held until `deliver`. */
async function relayedLogout(name: string) {
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  const { socket } = handshake(world.latest());
  await tabB.api.open('tab-b', relayOptions(name));
  const held: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-a' || message.kind !== 'close') return undefined;
    held.push(message);
    return 'lost';
  };
  const closing = Promise.resolve(tabB.api.close('tab-b', name, 1000, ''));
  let ownerClosedFirst: boolean | undefined;
  const answered = closing.then(() => {
    ownerClosedFirst = socket.closeCalls.length > 0;
  });
  await vi.waitFor(() => expect(held).toHaveLength(1));
  await vi.waitFor(() => expect(tabB.states().at(-1)).toBe('closed:logout'));
  const deliver = () => {
    delete world.hooks.relayReceived;
    const channel = new BroadcastChannel(relayChannelName(name));
    for (const message of held) channel.postMessage(message);
    channel.close();
  };
  return { closing, answered, deliver, ownerClosed: () => ownerClosedFirst, tabA };
}

describe('a logout in a tab of a relaying hub', () => {
  it('answers once the owner closed the login', async () => {
    const { answered, deliver, ownerClosed, tabA } = await relayedLogout('logout-heard');
    deliver();
    await answered;
    expect(ownerClosed()).toBe(true);
    expect(tabA.states().at(-1)).toBe('closed:logout');
  });

  it('answers within a second when the owner never says it closed', async () => {
    const { closing, ownerClosed } = await relayedLogout('logout-unheard');
    await expect(closing).resolves.toEqual({ ok: true, value: undefined });
    expect(ownerClosed()).toBe(false);
  });
});
