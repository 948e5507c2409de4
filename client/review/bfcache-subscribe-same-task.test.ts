/**
 * Review of issue 20: the worker's interest for a tab equals the union of its handles'
 * listeners after the task's updates, across bfcache. A subscribe made after pagehide, in
 * the same task as (and just before) the restoring pageshow: its update, taken after the
 * rejoin forgot what the hub was told, goes whole to the hub the tab left, and is dropped
 * there; the rejoin then has nothing left to tell. The hub holds nothing of the tab's
 * topics, and the server is subscribed to none.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../../worker/test-support/connection-harness';
import { makeWorld, type World } from './review-harness';

let world: World;
beforeEach(() => {
  world = makeWorld();
});
afterEach(() => world.end());

/** Lets the ports run: what the worker would write has been written. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((done) => setTimeout(done, 0));
}

it('a subscribe in the task of the pageshow that restores the page is not lost, nor are the topics before it', async () => {
  const tab = world.tab();
  const received: unknown[] = [];
  tab.subscribe('a', (data) => received.push(data));
  await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
  world.latest().accept();
  world.latest().receive(HELLO);
  world.latest().receive(resumed(0));
  await vi.waitFor(() => expect(world.lastSub()).toEqual(['a']));
  world.windowEvents.dispatchEvent(new Event('pagehide'));
  await vi.waitFor(() => expect(world.hub.inspect('default')?.tabs).toEqual([]));

  tab.subscribe('b', (data) => received.push(data));
  world.windowEvents.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  await vi.waitFor(() => expect(world.hub.inspect('default')?.tabs).toHaveLength(1));
  await settle();
  expect(world.lastSub()).toEqual(['a', 'b']);
  world.latest().receive('{"$ts":"push","seq":1,"data":{"topic":"b","n":1}}');
  await vi.waitFor(() => expect(received).toEqual([{ topic: 'b', n: 1 }]));
});
