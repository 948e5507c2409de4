/**
 * Review (issue 19): a logout from a relaying hub must close the connection for every hub
 * (invariant 4: after close(), zero sockets, no push of the old session reaches any handle).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('a logout from a relaying hub made before the owner answered its join still closes the socket everywhere', async () => {
  const name = 'review-early-logout';
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  await vi.waitFor(() => expect(tabA.states()).toContain('open:open'));

  // A page of the same login boots in another build's hub and logs out at once (connect()
  // then close(): the session it found had expired). Its hub has not heard the owner yet.
  const b = world.startHub('build-b');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  const opened = tabB.api.open('tab-b', relayOptions(name));
  expect(tabB.api.close('tab-b', name, 1000, '')).toEqual({ ok: true, value: undefined });
  await opened;
  await vi.waitFor(() => expect(tabB.states().at(-1)).toBe('closed:logout'));

  // The logout must reach the owner: its socket closes, its tab sees closed:logout.
  socket.receive(push(1));
  await vi.waitFor(() => expect(socket.closeCalls).toHaveLength(1), { timeout: 1_500 });
  expect(tabA.states().at(-1)).toBe('closed:logout');
  expect(tabA.frames()).toEqual([]);
});
