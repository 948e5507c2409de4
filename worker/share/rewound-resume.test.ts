/**
 * Issue 19, seed 2100: a fresh owner took the session from a tab's cursor further on than
 * another tab's or hub's (that one had not counted a push of a topic it does not want), and
 * keeps none of the pushes in between. Before its resume goes out, the resume goes back to
 * the cursor behind (`WireLink.rewind`): the server replays them, and nobody is told
 * `resync` for pushes it may not even want.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });
const at = (seq: number): SessionCursor => ({
  session: 'the-session',
  seq,
  nextId: 65,
  numbered: true,
});

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** A fresh hub (its worker died) that goes on with session S from a tab's cursor at push 1. */
async function freshOwner(name: string, build = 'build-a') {
  const options = relayOptions(name);
  const owner = world.startHub(build);
  const ahead = await world.attachTab(owner.hub, 'tab-ahead');
  await ahead.api.open('tab-ahead', options, at(1), undefined, 'rejoin');
  ahead.api.setInterest('tab-ahead', name, ALL);
  return { owner, options };
}

/** The socket opens; the server, its stream's last push the last of `pushes`, replays from the resume's `last`. */
async function serverReplays(pushes: number[]) {
  await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const { last } = resumeFrameOf(socket);
  socket.receive(resumed(Math.max(last, ...pushes)));
  for (const seq of pushes.filter((seq) => seq > last)) socket.receive(push(seq));
  return last;
}

const resyncs = (events: Array<{ kind: string }>) =>
  events.filter((event) => event.kind === 'resync');

describe('a cursor behind pushes the hub keeps no longer', () => {
  it('of a tab: the socket resumes from it before its resume goes out, and the tab hears them replayed', async () => {
    const name = 'rewind-tab';
    const { owner, options } = await freshOwner(name);
    const behind = await world.attachTab(owner.hub, 'tab-behind');
    await behind.api.open('tab-behind', options, at(0), undefined, 'rejoin');
    behind.api.setInterest('tab-behind', name, ALL);
    expect(await serverReplays([1, 2])).toBe(0);
    await vi.waitFor(() => expect(behind.frames().map((frame) => frame.seq)).toEqual([1, 2]));
    expect(resyncs(behind.events)).toEqual([]);
  });

  it('of a relaying hub that joins (the seed 2100 plan): its tab gets no resync', async () => {
    const name = 'rewind-peer';
    const { options } = await freshOwner(name);
    const peer = world.startHub('build-b');
    const behind = await world.attachTab(peer.hub, 'tab-behind');
    await behind.api.open('tab-behind', options, at(0), undefined, 'rejoin');
    behind.api.setInterest('tab-behind', name, ALL);
    expect(await serverReplays([1, 2])).toBe(0);
    await vi.waitFor(() => expect(behind.frames().map((frame) => frame.seq)).toEqual([1, 2]));
    expect(resyncs(behind.events)).toEqual([]);
  });

  // Guard: once the resume went out the server goes on from it; the cursor behind is told
  // `resync`, as before.
  it('once the resume went out: resync', async () => {
    const name = 'rewind-late';
    const { owner, options } = await freshOwner(name);
    expect(await serverReplays([1, 2])).toBe(1);
    const behind = await world.attachTab(owner.hub, 'tab-behind');
    await behind.api.open('tab-behind', options, at(0), undefined, 'rejoin');
    await vi.waitFor(() => expect(resyncs(behind.events)).toHaveLength(1));
  });
});
