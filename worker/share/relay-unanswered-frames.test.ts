/**
 * The pushes a relaying hub hears before the owner answers its join (review 20c's lagging
 * relay): its tabs are told `open` from the first announcement the hub hears, so a join
 * that gets no catch-up of them (without a cursor, or of another session) passes them on
 * the answer. A hand-played owner announces itself to another hub first, relays pushes,
 * and answers this hub's join only then, as a lagging channel delivers them.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { ownerLockName, relayChannelName } from '../../protocol/locks';
import { RELAY_VERSION, type RelayMessage } from '../../protocol/relay';
import type { SessionCursor, TabEvent, TabFrame } from '../../protocol/tab-hub';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { RECENT_FRAMES } from './recent-frames';

let world = hubWorld();
let owner: BroadcastChannel | undefined;
afterEach(() => {
  owner?.close();
  world.dispose();
  world = hubWorld();
});

const name = 'relay-unanswered';
const status = { state: 'open', generation: 1, failedAttempts: 0 };

/** Pushes `from`..`to` of the owner's session, as the owner relays them. */
function pushes(from: number, to: number): TabFrame[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ data: `p${from + i}`, seq: from + i }));
}

/**
 * Opens a tab on a hub that relays a hand-played owner of session s1. On the hub's join
 * the owner relays the first `beforeWord` of `before`, announces itself to another hub and
 * relays the rest (with a `resync` ahead of the last `afterResync`); it answers the hub's
 * next join, at the last push's number, and relays one push more.
 */
async function joinBehind(
  before: TabFrame[],
  {
    resumeFrom,
    afterResync = 0,
    beforeWord = 0,
  }: { resumeFrom?: SessionCursor; afterResync?: number; beforeWord?: number } = {},
) {
  const a = world.startHub();
  const tab = await world.attachTab(a.hub, 'tab-a');
  void world.locks.request(ownerLockName(name), {}, () => new Promise(() => {}));
  const channel = new BroadcastChannel(relayChannelName(name));
  owner = channel;
  const options = relayOptions(name);
  const cursor = { session: 's1', seq: before.at(-1)?.seq ?? 0, nextId: 1 };
  const post = (body: object, from = 'hand-owner') =>
    channel.postMessage({ v: RELAY_VERSION, from, ...body });
  const announce = (joined: string, asked?: number) =>
    post({ kind: 'owner', build: 'b', url: options.url, status, cursor, joined, asked });
  const relay = (frames: TabFrame[]) =>
    post({ kind: 'event', event: { kind: 'frames', name, frames } });
  let joins = 0;
  channel.onmessage = ({ data }: MessageEvent<RelayMessage>) => {
    if (data.kind !== 'join') return;
    joins += 1;
    // The hub joins again on adopting this owner from its word to another hub: only that
    // join, its last, is answered.
    if (joins === 2) {
      announce(data.from, data.ask);
      relay(pushes(cursor.seq + 1, cursor.seq + 1));
      return;
    }
    // Another hub's pushes (an owner that left, of another session) are not this one's.
    post({ kind: 'event', event: { kind: 'frames', name, frames: pushes(7, 8) } }, 'left-owner');
    relay(before.slice(0, beforeWord));
    announce('another-hub');
    const resyncAt = before.length - afterResync;
    relay(before.slice(beforeWord, resyncAt));
    if (afterResync > 0) post({ kind: 'event', event: { kind: 'resync', name } });
    relay(before.slice(resyncAt));
  };
  await tab.api.open('tab-a', options, resumeFrom);
  tab.api.setInterest('tab-a', name, { all: true, topics: [] });
  const heard = () =>
    tab.events.flatMap((event: TabEvent) =>
      event.kind === 'frames' ? event.frames.map((frame) => frame.data) : [],
    );
  const resyncs = () => tab.events.filter((event: TabEvent) => event.kind === 'resync').length;
  // The push after the answer: what came before it has come too.
  await vi.waitFor(() => expect(heard()).toContain(`p${cursor.seq + 1}`));
  return { heard: heard(), resyncs: resyncs() };
}

it('passes the pushes heard before the answer to a tab that joined without a cursor', async () => {
  const { heard, resyncs } = await joinBehind(pushes(1, 3));
  expect(heard).toEqual(['p1', 'p2', 'p3', 'p4']);
  expect(resyncs).toBe(0);
});

it('passes them to a tab with a cursor of another session, whose verdict is the owner`s', async () => {
  const resumeFrom = { session: 's0', seq: 4, nextId: 2 };
  const { heard } = await joinBehind(pushes(1, 2), { resumeFrom });
  expect(heard).toEqual(['p1', 'p2', 'p3']);
});

it('leaves them to the catch-up for a tab with a cursor of the session', async () => {
  // The hand-played owner posts no catch-up: what the tab hears is only what follows the
  // answer. Passed on too, they would come twice with the owner's catch-up.
  const resumeFrom = { session: 's1', seq: 1, nextId: 2 };
  const { heard } = await joinBehind(pushes(1, 3), { resumeFrom });
  expect(heard).toEqual(['p4']);
});

it('passes only what came after a resync its tabs heard', async () => {
  const { heard, resyncs } = await joinBehind(pushes(1, 4), { afterResync: 2 });
  expect(heard).toEqual(['p3', 'p4', 'p5']);
  expect(resyncs).toBe(1);
});

it('tells resync ahead of what it kept when it heard more than it keeps', async () => {
  const { heard, resyncs } = await joinBehind(pushes(1, RECENT_FRAMES + 2));
  expect(heard[0]).toBe('p3');
  expect(heard).toHaveLength(RECENT_FRAMES + 1);
  expect(resyncs).toBe(1);
});

it('passes those the answering owner relayed before this hub heard its word', async () => {
  const { heard } = await joinBehind(pushes(1, 3), { beforeWord: 2 });
  expect(heard).toEqual(['p1', 'p2', 'p3', 'p4']);
});
