/**
 * Hubs sharing a connection over the HTTP stream: the transport is the owner's, below the
 * relay, so a relaying hub's tabs push and send as over a socket, and see which it is.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const NAME = 'relay-stream';

const world = hubWorld();
afterEach(() => world.dispose());

it("relays over the owner's HTTP stream: pushes reach the relay's tab, its sends go on the stream, and inspect() says 'sse'", async () => {
  const a = world.startHub('build-a', { streams: true });
  const b = world.startHub('build-b', { streams: true });
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  const options = relayOptions(NAME, { transports: ['sse'] });
  expect(await tabA.api.open('tab-a', options)).toMatchObject({
    ok: true,
    value: { role: 'owner' },
  });
  tabA.api.setInterest('tab-a', NAME, ALL);
  expect(await tabB.api.open('tab-b', options)).toMatchObject({
    ok: true,
    value: { role: 'relay' },
  });
  tabB.api.setInterest('tab-b', NAME, ALL);

  const stream = world.latest();
  expect(stream.protocols).toEqual(['sse']);
  stream.accept();
  stream.receive(HELLO);
  expect(resumeFrameOf(stream).$ts).toBe('resume');
  stream.receive(resumed(0));
  stream.receive(JSON.stringify({ $ts: 'push', seq: 1, data: { n: 1 } }));
  await vi.waitFor(() => expect(tabB.frames()).toHaveLength(1));

  const sent = tabB.api.send('tab-b', NAME, 'from the relay');
  const msg = JSON.stringify({ $ts: 'msg', id: 1, text: 'from the relay' });
  await vi.waitFor(() => expect(stream.sent).toContain(msg));
  stream.receive(JSON.stringify({ $ts: 'ack', id: 1 }));
  await expect(sent).resolves.toEqual({ ok: true, value: undefined });

  expect(a.hub.inspect(NAME)).toMatchObject({ role: 'owner', transport: 'sse' });
  await vi.waitFor(() =>
    expect(b.hub.inspect(NAME)).toMatchObject({ role: 'relay', transport: 'sse' }),
  );
  expect(world.sockets).toHaveLength(1);
});
