/**
 * Round 23 (helper 23a): a logout and a hub's death in the same instant.
 *
 * - A tab whose hub dies as it logs out posts its `close` again to its fresh hub
 *   (`HubClient.close`), which holds no login of the name: it answered at once, whether or not
 *   the owner had heard the logout (`sim/logout-dead-relay-resolves-early.test.ts`). Now it
 *   tells the owner over the relay, and answers once an owner said it closed a login (or
 *   within a second), as a relaying hub's logout does (`logOutElsewhere`). An owner asked on
 *   the channel answers with its word, also when no hub joined it any more.
 * - An owner with no peer yet told no hub its logout: a hub that took the socket as its
 *   owner died, and logged out before any hub joined it, left the hubs that had followed the
 *   dead owner to resume the logged-out session once its next login let go of the lock
 *   (`sim/review-22e-logout-kill-same-ms.test.ts`). Now an owner that took the socket with a
 *   cursor posts its logout word whether or not a peer joined (`RelayOwner.state`).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { HELLO, handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { isLogout } from './login-ends';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** a owns the socket, b relays for tab-b, which logs out on its fresh hub c after b's death. */
async function logoutOnFreshHub(name: string, { heardByDeadHub }: { heardByDeadHub: boolean }) {
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  const { socket } = handshake(world.latest());
  await tabB.api.open('tab-b', relayOptions(name));
  // The owner's side of the channel lags: each `close` waits until `deliver`.
  const held: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-a' || message.kind !== 'close') return undefined;
    held.push(message);
    return 'lost';
  };
  if (heardByDeadHub) {
    // b took the logout and posted its `close`, then died before it answered the tab.
    void tabB.api.close('tab-b', name, 1000, '');
    await vi.waitFor(() => expect(held).toHaveLength(1));
  }
  b.kill();
  const c = world.startHub('build-b');
  const again = await world.attachTab(c.hub, 'tab-b', { back: true });
  // The tab's logout ended its login: it opens nothing on c, and posts the close again.
  let ownerClosedFirst: boolean | undefined;
  const answered = Promise.resolve(again.api.close('tab-b', name, 1000, '')).then((outcome) => {
    ownerClosedFirst = socket.closeCalls.length > 0;
    return outcome;
  });
  await vi.waitFor(() => expect(held.length).toBeGreaterThan(heardByDeadHub ? 1 : 0));
  const deliver = () => {
    delete world.hooks.relayReceived;
    const channel = new BroadcastChannel(relayChannelName(name));
    for (const message of held) channel.postMessage(message);
    channel.close();
  };
  return { answered, deliver, ownerClosed: () => ownerClosedFirst, tabA };
}

describe('a logout whose relaying hub dies in its instant', () => {
  it('is told the owner by the fresh hub, which answers once the owner closed the login', async () => {
    // The dead hub never took the logout: before, nothing told the owner, and its login
    // went on with the logged-out user's pushes.
    const { answered, deliver, ownerClosed, tabA } = await logoutOnFreshHub('fresh-tells', {
      heardByDeadHub: false,
    });
    deliver();
    await expect(answered).resolves.toEqual({ ok: true, value: undefined });
    expect(ownerClosed()).toBe(true);
    expect(tabA.states().at(-1)).toBe('closed:logout');
  });

  it('hears the word of an owner no hub joined any more, which answers the hub that asked', async () => {
    // The dead hub was the owner's one peer: the owner posted nothing on the channel, and the
    // fresh hub waited its second out.
    const name = 'word-to-asker';
    const { answered, deliver } = await logoutOnFreshHub(name, { heardByDeadHub: false });
    const words: RelayMessage[] = [];
    const listener = new BroadcastChannel(relayChannelName(name));
    listener.onmessage = (event) => {
      if (isLogout(event.data as RelayMessage)) words.push(event.data as RelayMessage);
    };
    deliver();
    await vi.waitFor(() => expect(words).toHaveLength(1));
    listener.close();
    await expect(answered).resolves.toEqual({ ok: true, value: undefined });
  });

  it('is not answered while the dead hub’s close is still on its way to the owner', async () => {
    // Before, the fresh hub answered at once: a push the owner passed on before it read the
    // close reached its tab after the app's logout resolved (seed 41202).
    const { answered, deliver, ownerClosed } = await logoutOnFreshHub('dead-hub-told', {
      heardByDeadHub: true,
    });
    let settled = false;
    void answered.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    deliver();
    await expect(answered).resolves.toEqual({ ok: true, value: undefined });
    expect(ownerClosed()).toBe(true);
  });
});

describe('the logout of an owner no hub joined yet', () => {
  it('reaches the hubs that followed the owner it took over from, before its next login lets go', async () => {
    // a owns and b, c follow; a dies, b takes the socket, and c's join to b is still on its
    // way when b's tab logs out and in again. Before, b posted no word (no peer), and c took
    // the lock from b's next login and resumed the logged-out session.
    const name = 'unjoined-owner-logout';
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const c = world.startHub('build-c');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    await tabA.api.open('tab-a', relayOptions(name));
    const { resume } = handshake(world.latest());
    await tabB.api.open('tab-b', relayOptions(name));
    await tabC.api.open('tab-c', relayOptions(name));
    await vi.waitFor(() => expect(tabC.states().at(-1)).toBe('open:attached'));
    world.hooks.relayReceived = (build, message) =>
      build === 'build-b' && message.kind === 'join' ? 'lost' : undefined;
    const sockets = world.sockets.length;
    a.kill();
    await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
    await tabB.api.close('tab-b', name, 1000, '');
    await vi.waitFor(() => expect(tabC.states().at(-1)).toBe('closed:logout'));
    // b's tab logs in again: b's next login takes the socket on (round 24: the lock kept),
    // and no hub resumes the logged-out session.
    delete world.hooks.relayReceived;
    await tabB.api.open('tab-b', relayOptions(name));
    const next = world.latest();
    next.accept();
    next.receive(HELLO);
    await vi.waitFor(() => expect(next.sent.length).toBeGreaterThan(0));
    expect(next.sent.map(String).join()).not.toContain(resume.session);
  });
});
