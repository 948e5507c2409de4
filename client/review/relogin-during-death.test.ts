/**
 * Review of issue 20: re-login without `await` gives each push once per tab, also when the
 * worker has just died. In one tab: the worker dies and, before the tab noticed, the app logs
 * out and in again in one tick (`close()`, `connect()` with the same url). The close dies with
 * the worker (it rejects, unseen by an app that does not await it) while the open is posted
 * again to the fresh worker: the logged-out session resumes, the old handle stays on it with
 * the new one, and each push reaches the tab twice.
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

function attachSession(): void {
  world.latest().accept();
  world.latest().receive(HELLO);
  world.latest().receive(resumed(0));
}

it('close() then connect(same url) in one tick, the worker dead and not noticed yet: the old handle is retired, each push once', async () => {
  const tab = world.page();
  let socket = tab();
  const old = socket;
  const received: string[] = [];
  socket.on('message', () => received.push('old'));
  await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
  attachSession();
  await vi.waitFor(() => expect(socket.state).toBe('open'));

  world.killWorker();
  // The blog posts' pattern, in the instant after the death.
  void socket.close().catch(() => {});
  socket = tab();
  socket.on('message', () => received.push('new'));
  await vi.waitFor(() => expect(world.hub.inspect('default')?.state).toBe('connecting'));
  await settle();
  attachSession();
  await vi.waitFor(() => expect(socket.state).toBe('open'));
  world.latest().receive('{"$ts":"push","seq":1,"data":{"n":1}}');
  await vi.waitFor(() => expect(received).toContain('new'));
  await settle();
  expect(received).toEqual(['new']);
  expect(old.state).toBe('closed');
});
