/**
 * 'owed': a relayed catch-up's resync owed to the tabs that brought a cursor reaches only
 * them, and the owed set survives the `open` the relaying hub mirrors. Does a tab owed one
 * verdict hear it once?
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });
const lostCursor: SessionCursor = {
  session: 'the-lost-session',
  seq: 3,
  nextId: 1,
  numbered: true,
};

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

const resyncs = (events: Array<{ kind: string }>) =>
  events.filter((event) => event.kind === 'resync');

describe('an owed resync, heard once', () => {
  // BUG (severity low: a redundant resync, the app refetches twice). b posts a join per
  // open (the reloaded page's, then the new page's, in the same task); the owner answers each
  // with its verdict on b's lost cursor, `resync('owed')`, and since the owed set now
  // survives the mirrored `open` and is not emptied by the verdict it was for, both reach the
  // reloaded page: `resync cursor resync` before its first push. Invariant: no resync where
  // nothing was lost (nothing was lost between the two).
  it('a reloaded page that brought a lost cursor, and a new page in the same task, on a hub that relays an open owner', async () => {
    const name = 'owed-once';
    const options = relayOptions(name);
    const a = world.startHub('build-a');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    await tabA.api.open('tab-a', options);
    tabA.api.setInterest('tab-a', name, ALL);
    const socket = world.latest();
    socket.accept();
    socket.receive(HELLO);
    socket.receive(resumed(0));
    socket.receive(push(1));
    await vi.waitFor(() => expect(tabA.frames()).toHaveLength(1));

    const b = world.startHub('build-b');
    const reloaded = await world.attachTab(b.hub, 'tab-reloaded');
    const fresh = await world.attachTab(b.hub, 'tab-fresh');
    const first = reloaded.api.open('tab-reloaded', options, lostCursor);
    const second = fresh.api.open('tab-fresh', options);
    await first;
    await second;
    reloaded.api.setInterest('tab-reloaded', name, ALL);
    fresh.api.setInterest('tab-fresh', name, ALL);
    socket.receive(push(2));
    await vi.waitFor(() => expect(reloaded.frames().map((frame) => frame.seq)).toContain(2));
    expect(resyncs(reloaded.events)).toHaveLength(1);
  });
});
