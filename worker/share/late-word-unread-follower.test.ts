/**
 * 'lateword': a hub that reads a late logout word hands the socket to a peer whose login
 * began after it (`RelayOwner.servesLoginAfter`). What of a peer of the ended login that has
 * not read the word yet, and takes the lock before the new login's hub?
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

function handshake() {
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const resume = resumeFrameOf(socket);
  socket.receive(resumed(0));
  return { socket, resume };
}

/**
 * a's tab logs out and a keeps the lock; the hubs of `late` joined before and read nothing of
 * a yet. tab-c's new login (its channel made after a's word went out) wakes a; the lock goes
 * to the first of `late`, which takes the socket, and the others follow it.
 */
async function lateLogoutWord(name: string, late: string[]) {
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const { resume } = handshake();
  const held: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (!late.includes(build) || (message.kind !== 'owner' && message.kind !== 'state')) {
      return undefined;
    }
    held.push(message);
    return 'lost';
  };
  const tabs = [];
  for (const build of late) {
    const hub = world.startHub(build);
    const tab = await world.attachTab(hub.hub, `tab-${build}`);
    void tab.api.open(`tab-${build}`, relayOptions(name), {
      session: resume.session,
      seq: 0,
      nextId: 1,
    });
    tabs.push(tab);
    // a's answer to each join reaches every hub that joined so far.
    const answers = (tabs.length * (tabs.length + 1)) / 2;
    await vi.waitFor(() => expect(held).toHaveLength(answers));
  }
  tabA.api.close('tab-a', name, 1000, '');
  const words = () => held.filter((message) => message.kind === 'state');
  await vi.waitFor(() => expect(words()).toHaveLength(late.length));
  const c = world.startHub('build-c');
  const tabC = await world.attachTab(c.hub, 'tab-c');
  void tabC.api.open('tab-c', relayOptions(name));
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  handshake();
  await vi.waitFor(() => expect(tabC.states().at(-1)).toMatch(/^open:/));
  const cameTo = tabC.states().at(-1) ?? '';
  /** The hubs of `to` read a's words (c never hears them: its channel came after). */
  const deliver = (to: string[]) => {
    world.hooks.relayReceived = (build, message) =>
      message.from === held[0]?.from && !to.includes(build) ? 'lost' : undefined;
    const channel = new BroadcastChannel(relayChannelName(name));
    for (const message of held) channel.postMessage(message);
    channel.close();
  };
  return { tabs, tabC, cameTo, deliver };
}

describe('a late logout word, a hub of the ended login that reads it after the handover', () => {
  // Guard: d is not b's `predecessor`'s peer any more when it reads a's word (it queued for
  // the socket b handed over); it still ends its login, and c's goes on.
  it('its tabs close on the late word, whoever owns the socket then', async () => {
    const { tabs, deliver } = await lateLogoutWord('late-word-follower-after', [
      'build-b',
      'build-d',
    ]);
    // b reads a's words first and hands the socket over; d reads them only then.
    deliver(['build-b']);
    await vi.waitFor(() => expect(tabs[0]?.states().at(-1)).toBe('closed:logout'));
    await new Promise((later) => setTimeout(later, 50));
    deliver(['build-d']);
    await vi.waitFor(() => expect(tabs[1]?.states().at(-1)).toBe('closed:logout'));
  });
});
