/**
 * Review (issue 19), invariant 2: each send() settles once; rejected means the server's
 * app never got it. A send written numbered (the server has it, its ack is on the way) is
 * rejected by a logout from another tab with ConnectionClosedError, the error that means
 * "not delivered" (the README's own exception for an unknown fate is WorkerError).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('a send the server has is not rejected as not delivered by a logout', async () => {
  const name = 'review-logout-written';
  const a = world.startHub('build-a');
  const tab1 = await world.attachTab(a.hub, 'tab-1');
  const tab2 = await world.attachTab(a.hub, 'tab-2');
  await tab1.api.open('tab-1', relayOptions(name));
  await tab2.api.open('tab-2', relayOptions(name));
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  await vi.waitFor(() => expect(tab1.states()).toContain('open:open'));
  const sent = tab1.api.send('tab-1', name, 'order #1');
  await vi.waitFor(() =>
    expect(socket.sent.some((f) => String(f).includes('order #1'))).toBe(true),
  );
  // The server passed it on to the app; before its ack arrives, tab-2 logs out.
  tab2.api.close('tab-2', name, 1000, '');
  const outcome = await sent;
  expect(outcome).not.toMatchObject({ ok: false, error: { code: 'TS_ERR_CLOSED' } });
});
