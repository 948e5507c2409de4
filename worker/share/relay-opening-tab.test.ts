/**
 * The tab a relaying hub joined but holds `opening` until the owner answers (fixr3,
 * `SharedConnection.sync`): it hears no pushes meanwhile. Can it stay `opening`, or lose
 * pushes, when the owner dies, the tab leaves, or a second open comes during the wait?
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  delete world.hooks.relayReceived;
  world = hubWorld();
});

/** Hub a owns `name` (open, pushes 1 and 2); hubs `relays` relay it, a tab each. */
async function relayed(name: string, relays: string[]) {
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const hubs = [];
  for (const build of relays) {
    const hub = world.startHub(build);
    const tab = await world.attachTab(hub.hub, `tab-${build}`);
    await tab.api.open(`tab-${build}`, relayOptions(name));
    tab.api.setInterest(`tab-${build}`, name, ALL);
    hubs.push({ ...hub, tab });
  }
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  socket.receive(push(1));
  socket.receive(push(2));
  for (const { tab } of hubs) await vi.waitFor(() => expect(tab.frames()).toHaveLength(2));
  return { a, tabA, socket, hubs };
}

describe('a tab opening on a relaying hub during the wait for the owner', () => {
  it('is taken, and hears the stream, when the owner dies and another relaying hub takes the socket', async () => {
    const name = 'opening-owner-dies-other-takes';
    // c asks for the lock before b: c takes the socket.
    const { a, hubs } = await relayed(name, ['build-c', 'build-b']);
    const [c, b] = hubs as [(typeof hubs)[0], (typeof hubs)[0]];
    const late = await world.attachTab(b.hub, 'tab-late');
    world.hooks.relayReceived = (build, message) =>
      build === 'build-a' && message.kind === 'join' ? 'lost' : undefined;
    const opened = late.api.open('tab-late', relayOptions(name));
    late.api.setInterest('tab-late', name, ALL);
    a.kill();
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    expect(c.hub.inspect(name)).toMatchObject({ role: 'owner' });
    const next = world.latest();
    next.accept();
    next.receive(HELLO);
    next.receive(resumed(2));
    await expect(opened).resolves.toMatchObject({ ok: true });
    next.receive(push(3));
    next.receive(push(4));
    await vi.waitFor(() => expect(late.frames().map((frame) => frame.seq)).toEqual([3, 4]));
    await vi.waitFor(() => expect(b.tab.frames().map((frame) => frame.seq)).toEqual([1, 2, 3, 4]));
  });

  it('a second open of the same tab during the wait: the tab hears each push after it once', async () => {
    const name = 'opening-second-open';
    const { socket, hubs } = await relayed(name, ['build-b']);
    const [b] = hubs as [(typeof hubs)[0]];
    const late = await world.attachTab(b.hub, 'tab-late');
    let lost = 1;
    world.hooks.relayReceived = (build, message) =>
      build === 'build-a' && message.kind === 'join' && lost-- > 0 ? 'lost' : undefined;
    const first = late.api.open('tab-late', relayOptions(name));
    late.api.setInterest('tab-late', name, ALL);
    socket.receive(push(3));
    late.api.release('tab-late', name);
    const second = late.api.open('tab-late', relayOptions(name));
    late.api.setInterest('tab-late', name, ALL);
    await expect(second).resolves.toMatchObject({ ok: true });
    await first;
    socket.receive(push(4));
    await vi.waitFor(() => expect(b.tab.frames().map((frame) => frame.seq)).toEqual([1, 2, 3, 4]));
    await vi.waitFor(() => expect(late.frames().map((frame) => frame.seq)).toContain(4));
    const seqs = late.frames().map((frame) => frame.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('a tab that leaves during the wait leaves nothing behind: the hub serves its other tab on', async () => {
    const name = 'opening-tab-leaves';
    const { socket, hubs } = await relayed(name, ['build-b']);
    const [b] = hubs as [(typeof hubs)[0]];
    const late = await world.attachTab(b.hub, 'tab-late');
    const opened = late.api.open('tab-late', relayOptions(name));
    late.api.leave('tab-late');
    await opened;
    socket.receive(push(3));
    await vi.waitFor(() => expect(b.tab.frames().map((frame) => frame.seq)).toEqual([1, 2, 3]));
    expect(late.frames()).toEqual([]);
  });

  // The first open's catch-up (its lost cursor's resync and the stream again) still runs
  // once the owner answered, the tab being on the connection again, but it reaches the tab
  // before the second open's `opened`: the client drops it (its handles wait for that one).
  it('a catch-up of an open released during the wait is not given to the open that follows', async () => {
    const name = 'opening-stale-catch-up';
    const { socket, hubs } = await relayed(name, ['build-b']);
    const [b] = hubs as [(typeof hubs)[0]];
    const { session } = resumeFrameOf(socket);
    const late = await world.attachTab(b.hub, 'tab-late');
    const lost: SessionCursor = { session: 'the-lost-session', seq: 3, nextId: 1, numbered: true };
    const current: SessionCursor = { session, seq: 2, nextId: 1, numbered: true };
    const first = late.api.open('tab-late', relayOptions(name), lost);
    late.api.release('tab-late', name);
    const second = late.api.open('tab-late', relayOptions(name), current);
    late.api.setInterest('tab-late', name, ALL);
    await first;
    await expect(second).resolves.toMatchObject({ ok: true });
    socket.receive(push(3));
    await vi.waitFor(() => expect(late.frames().map((frame) => frame.seq)).toContain(3));
    const lastOpened = late.events.map((event) => event.kind).lastIndexOf('opened');
    expect(late.events.slice(lastOpened).filter((event) => event.kind === 'resync')).toEqual([]);
  });
});
