/**
 * Review of the relaying hub's wait for the owner's answer before it takes a tab's open
 * without a cursor (59ef09b, `SharedConnection.sync`): what if the owner never answers?
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  delete world.hooks.relayReceived;
  world = hubWorld();
});

/** Hub a owns connection `name` (open, pushes 1 and 2), hub b relays it to tab-b. */
async function relayed(name: string) {
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  await tabB.api.open('tab-b', relayOptions(name));
  tabB.api.setInterest('tab-b', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabB.frames()).toHaveLength(2));
  return { a, b, tabA, tabB, socket };
}

describe('a relaying hub waiting for its owner to take an open', () => {
  it('takes the open once it holds the socket itself when the owner dies before answering, and the new tab follows the stream from there', async () => {
    const name = 'open-wait-death';
    const { a, b } = await relayed(name);
    const late = await world.attachTab(b.hub, 'tab-late');
    // The owner dies before it reads the join the open posts.
    world.hooks.relayReceived = (build, message) =>
      build === 'build-a' && message.kind === 'join' ? 'lost' : undefined;
    const started = Date.now();
    const opened = late.api.open('tab-late', relayOptions(name));
    late.api.setInterest('tab-late', name, ALL);
    a.kill();
    await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
    const next = world.latest();
    next.accept();
    next.receive(HELLO);
    next.receive(resumed(2));
    const answer = await opened;
    // Taken as the hub took the socket, not after the 1 s wait for an answer.
    expect(Date.now() - started).toBeLessThan(900);
    expect(answer).toMatchObject({ ok: true, value: { cursor: { seq: 2 } } });
    const taken = late.events.findIndex((event) => event.kind === 'opened');
    expect(taken).toBeGreaterThanOrEqual(0);
    next.receive(push(3));
    await vi.waitFor(() => expect(late.frames().map((frame) => frame.seq)).toEqual([3]));
    expect(b.hub.inspect(name)).toMatchObject({ role: 'owner', state: 'open' });
  });

  it('takes the open after its wait runs out when the owner never answers the join, and still hears the stream', async () => {
    const name = 'open-wait-silent';
    const { b, socket } = await relayed(name);
    const late = await world.attachTab(b.hub, 'tab-late');
    world.hooks.relayReceived = (build, message) =>
      build === 'build-a' && message.kind === 'join' ? 'lost' : undefined;
    const opened = late.api.open('tab-late', relayOptions(name));
    late.api.setInterest('tab-late', name, ALL);
    await expect(opened).resolves.toMatchObject({ ok: true });
    expect(late.events.some((event) => event.kind === 'opened')).toBe(true);
    socket.receive(push(3));
    await vi.waitFor(() => expect(late.frames().map((frame) => frame.seq)).toEqual([3]));
  });
});
