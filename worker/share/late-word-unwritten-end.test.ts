/**
 * 'lateword': a hub that reads a late logout word for session S hands the socket to a peer
 * whose login began after it, its `end` written first so that the next owner's resume of S
 * starts a new session. Here the `end` cannot be written: the hub's socket is not open yet
 * when the word comes (it took the lock, its socket is still connecting).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { HELLO, handshake as handshakeOn, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

const handshake = (socket = world.latest()) => handshakeOn(socket);

describe('a late logout word while no socket could write `end`', () => {
  // BUG (severity high: a logged-out session goes on for another login). a's socket is
  // down when its tab logs out, so a writes no `end`; b took the lock and its socket is
  // still connecting when it reads a's late logout word of S, so b's `end` cannot go out
  // either, yet b hands the socket to c's new login, whose hub holds S's cursor (from b's
  // answer) and resumes S (`held`) on a server that never heard S end: the server resumes
  // it and its pushes (the logged-out user's) reach c's handles. Before 'lateword' b closed
  // c's login with its own. Invariant: after logout no push of the old session reaches any
  // handle (the new login must not resume S). b's socket is
  // still connecting when b reads a's late logout word of S; its `end` cannot go out, yet it
  // hands the socket to c's new login, whose hub holds S's cursor (from b's answer) and
  // resumes S on the server. Invariant: after logout no push of the old session reaches any
  // handle; the new login must start a new session (not resume S).
  it('a logout while the owner’s socket is down: the new login does not resume the logged-out session', async () => {
    const name = 'late-word-unopened';
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', relayOptions(name));
    tabA.api.setInterest('tab-a', name, ALL);
    const { resume, socket: first } = handshake();
    // a's socket drops: its logout cannot write `end` either.
    first.drop();
    await vi.waitFor(() => expect(tabA.states().at(-1)).not.toMatch(/^open:/));
    const held: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-b' || (message.kind !== 'owner' && message.kind !== 'state')) {
        return undefined;
      }
      held.push(message);
      return 'lost';
    };
    const b = world.startHub('build-b');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    void tabB.api.open('tab-b', relayOptions(name), { session: resume.session, seq: 0, nextId: 1 });
    await vi.waitFor(() => expect(held).toHaveLength(1));
    tabA.api.close('tab-a', name, 1000, '');
    await vi.waitFor(() => expect(held.some((message) => message.kind === 'state')).toBe(true));
    const c = world.startHub('build-c');
    const tabC = await world.attachTab(c.hub, 'tab-c');
    void tabC.api.open('tab-c', relayOptions(name));
    // b took the lock and its socket is connecting: no hello yet, nothing written.
    const before = world.sockets.length;
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(before));
    const bSocket = world.latest();
    // b reads a's words now (c never hears them).
    world.hooks.relayReceived = (build, message) =>
      message.from === held[0]?.from && build !== 'build-b' ? 'lost' : undefined;
    const channel = new BroadcastChannel(relayChannelName(name));
    for (const message of held) channel.postMessage(message);
    channel.close();
    await vi.waitFor(() => expect(tabB.states().at(-1)).toBe('closed:logout'));
    expect(bSocket?.sent.some((frame) => JSON.parse(String(frame)).$ts === 'end')).toBe(false);
    // c takes the socket: its resume must not be of S, which no `end` ended on the server.
    await vi.waitFor(() => expect(world.latest()).not.toBe(bSocket));
    const socket = world.latest();
    socket.accept();
    socket.receive(HELLO);
    await vi.waitFor(() => expect(socket.sent.length).toBeGreaterThan(0));
    expect(world.sockets.some((s) => s.sent.some((f) => JSON.parse(String(f)).$ts === 'end'))).toBe(
      false,
    );
    expect(resumeFrameOf(socket).session).not.toBe(resume.session);
  });
});
