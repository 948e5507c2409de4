/**
 * Review (issue 19), invariant 1: each push reaches every handle that wants it once, in
 * order, or a `resync` comes before the first gap.
 *
 * A fresh hub relays (another build's hub owns the socket, at push 10). Two of its tabs
 * open while it still waits for the owner's answer to its join: a new tab without a cursor
 * first (the join carries none), then a reloaded page with the cursor it kept (push 5), as
 * session restore brings several tabs back at once. The hub has no cursor to catch the
 * page up from, its join asked for no catch-up, and the owner's answer moves the page's
 * cursor to 10: pushes 6..10 are lost to it, with no resync.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('a page that opens with its cursor on a relaying hub still joining gets the pushes it missed, or resync', async () => {
  const name = 'review-second-tab-cursor';
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const { session } = resumeFrameOf(socket);
  socket.receive(resumed(0));
  for (let seq = 1; seq <= 10; seq++) socket.receive(push(seq));
  await vi.waitFor(() => expect(tabA.frames()).toHaveLength(10));

  const b = world.startHub('build-b');
  const fresh = await world.attachTab(b.hub, 'tab-new');
  const reloaded = await world.attachTab(b.hub, 'tab-reloaded');
  const opened = [
    fresh.api.open('tab-new', relayOptions(name)),
    reloaded.api.open('tab-reloaded', relayOptions(name), { session, seq: 5, nextId: 65 }),
  ];
  fresh.api.setInterest('tab-new', name, ALL);
  reloaded.api.setInterest('tab-reloaded', name, ALL);
  await Promise.all(opened);
  socket.receive(push(11));
  await vi.waitFor(() => expect(reloaded.frames().at(-1)?.seq).toBe(11));

  const seen = reloaded.events.flatMap(
    (event): Array<number | string | undefined> =>
      event.kind === 'resync'
        ? ['resync']
        : event.kind === 'frames'
          ? event.frames.map((frame) => frame.seq)
          : [],
  );
  // Either the catch-up 6..10 then 11, or a resync before the gap.
  const firstResync = seen.indexOf('resync');
  if (firstResync < 0) expect(seen).toEqual([6, 7, 8, 9, 10, 11]);
  else expect(seen.slice(0, firstResync)).toEqual([6, 7, 8, 9, 10].slice(0, firstResync));
});
