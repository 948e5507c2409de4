/**
 * Review of issue 20: after close() no push reaches the closed handle. `close()`, then
 * `connect()` with the same url, then `release()` of that new handle, all in one task (a
 * component unmounted right after the re-login): the closed handle is never retired. It goes
 * `open` on the new login and gets its pushes, and the tab stays on the connection.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../../worker/test-support/connection-harness';
import { makeWorld, type World } from './review-harness';

let world: World;
beforeEach(() => {
  world = makeWorld();
});
afterEach(() => world.end());

/** Lets the ports and the hub's batched frames run: what would arrive has arrived. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((done) => setTimeout(done, 0));
}

it('a closed handle stays closed when the handle of the next login is released in the same tick', async () => {
  const tab = world.page();
  const old = tab();
  const received: unknown[] = [];
  old.on('message', (data) => received.push(data));
  await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
  world.latest().accept();
  world.latest().receive(HELLO);
  world.latest().receive(resumed(0));
  await vi.waitFor(() => expect(old.state).toBe('open'));

  void old.close();
  const next = tab();
  void next.release();
  await settle();
  expect(old.state).toBe('closed');
  const states: string[] = [];
  old.on('state', (state) => states.push(state));

  // The next login's socket, which the tab asked for and let go of at once.
  world.latest().accept();
  world.latest().receive(HELLO);
  world.latest().receive(resumed(0));
  world.latest().receive('{"$ts":"push","seq":1,"data":{"n":1}}');
  await settle();
  expect(states).toEqual([]);
  expect(old.state).toBe('closed');
  expect(received).toEqual([]);
  // No handle of the tab is left on the name: the tab left the connection.
  expect(world.hub.inspect('default')?.tabs ?? []).toEqual([]);
});
