/**
 * Review of issue 20: re-login without `await` gives each push once per tab. The worker
 * dies; while the fresh one starts, the app logs out and in again in one tick (`close()`,
 * `connect()` with the same url). The old handle is never retired: it goes `closed`, then
 * `connecting` and `open` on the new login, and each push reaches the tab twice.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
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

it('close() then connect() in the same tick while a fresh worker starts: the old handle is retired, each push once', async () => {
  const tab = world.page();
  let socket = tab();
  const old = socket;
  const received: string[] = [];
  socket.on('message', () => received.push('old'));
  await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
  world.latest().accept();
  await vi.waitFor(() => expect(socket.state).toBe('open'));

  world.killWorker();
  await vi.waitFor(() => expect(socket.state).toBe('connecting'));
  // The blog posts' pattern, while the tab waits for the fresh worker.
  void socket.close();
  socket = tab();
  socket.on('message', () => received.push('new'));
  await settle();
  world.latest().accept();
  await vi.waitFor(() => expect(socket.state).toBe('open'));
  world.latest().receive('{"n":1}');
  await vi.waitFor(() => expect(received).toContain('new'));
  await settle();
  expect(received).toEqual(['new']);
  expect(old.state).toBe('closed');
});
