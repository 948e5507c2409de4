/**
 * A hub that takes another session (a tab's cursor of a newer one) while a message it wrote
 * waits for its ack writes it under the new session's id, saying where it was written
 * (`was`): the server, which may hold the old session still, passes it on once.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, resumeFrameOf, resyncOnto } from '../test-support/connection-harness';
import type { FakeSocket } from '../test-support/fake-socket';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

function messagesOn(socket: FakeSocket) {
  return socket.sent
    .map((frame) => JSON.parse(String(frame)) as { $ts: string })
    .filter((frame) => frame.$ts === 'msg');
}

/**
 * A hub whose tab's send was written as message 1 of session `s1` on its first socket, which
 * then dropped before the ack.
 */
async function writtenThenDropped(name: string) {
  const options = relayOptions(name, { reconnect: { minDelay: 10, maxDelay: 10, jitter: 0 } });
  const hub = world.startHub('build-a');
  const tab = await world.attachTab(hub.hub, 'tab');
  await tab.api.open('tab', options);
  tab.api.setInterest('tab', name, ALL);
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  const s1 = resumeFrameOf(first).session;
  first.receive(resumed(0));
  void tab.api.send('tab', name, 'x', { id: 1 });
  await vi.waitFor(() => expect(messagesOn(first)).toEqual([{ $ts: 'msg', id: 1, text: 'x' }]));
  first.drop();
  return { hub, options, s1 };
}

/** The hub's next socket, said hello to. */
function nextSocket(): FakeSocket {
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  return socket;
}

it('a message written under the session left goes under the next one with `was`', async () => {
  const { hub, options, s1 } = await writtenThenDropped('was-on-switch');
  // A tab comes with a cursor of a newer session.
  const other = await world.attachTab(hub.hub, 'other');
  const live = { session: 'the-live-session-0123', seq: 0, nextId: 4, epoch: 1 };
  await other.api.open('other', options, live);
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = nextSocket();
  expect(resumeFrameOf(second)).toMatchObject({ session: live.session });
  second.receive(resumed(0));
  await vi.waitFor(() =>
    expect(messagesOn(second)).toEqual([
      { $ts: 'msg', id: 4, text: 'x', was: { session: s1, id: 1 } },
    ]),
  );
});

// Review 18 (server/sessions/login-sessions.test.ts): a server that names
// logins answers a socket of another login (a session cookie renewed with no logout) with
// `resync` onto a new session, though it holds the old one still. A message written there
// went again under the new session's id with no `was`, and reached the app twice.
it('a message written under a session the server answered `resync` for names it in `was`', async () => {
  const { s1 } = await writtenThenDropped('was-on-resync');
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = nextSocket();
  expect(resumeFrameOf(second)).toMatchObject({ session: s1 });
  second.receive(resyncOnto('the-next-login-session'));
  await vi.waitFor(() =>
    expect(messagesOn(second)).toEqual([
      { $ts: 'msg', id: 1, text: 'x', was: { session: s1, id: 1 } },
    ]),
  );
});
