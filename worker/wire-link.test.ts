/**
 * The message ids of a session across hubs (`WireLink`): a hub that resumes a session from
 * a cursor numbers its messages above every id the session used, also the ids its cursor
 * does not count (a reloaded page's cursor is as old as the page's last word).
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../protocol/tab-hub';
import { HELLO, NONCE, resumed, resumeFrameOf } from './test-support/connection-harness';
import type { FakeSocket } from './test-support/fake-socket';
import { hubWorld, relayOptions } from './test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** The frames of the application's messages a socket carried, parsed. */
function messagesOn(socket: FakeSocket) {
  return socket.sent
    .map((frame) => JSON.parse(String(frame)) as { $ts: string; id?: number; text?: string })
    .filter((frame) => frame.$ts === 'msg');
}

it('a fresh worker resumed from a reloaded page’s cursor numbers its sends above the ids the server says the session used', async () => {
  const name = 'stale-next-id';
  const options = relayOptions(name);
  const w1 = world.startHub('build-a');
  const tab1 = await world.attachTab(w1.hub, 'tab-1');
  const tab2 = await world.attachTab(w1.hub, 'tab-2');
  await tab1.api.open('tab-1', options);
  tab1.api.setInterest('tab-1', name, ALL);
  await tab2.api.open('tab-2', options);
  tab2.api.setInterest('tab-2', name, ALL);
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  const { session } = resumeFrameOf(first);
  first.receive(resumed(0));

  // tab-1 reloads: its page keeps the cursor it was told.
  const saved = w1.hub.inspect(name)?.cursor;
  expect(saved).toMatchObject({ session, nextId: 65 });
  w1.hub.leave('tab-1');

  // Meanwhile tab-2 sends 70 messages; the server passes each on and acks it.
  const sent: Array<Promise<unknown>> = [];
  for (let n = 1; n <= 70; n++) sent.push(tab2.api.send('tab-2', name, `m${n}`));
  await vi.waitFor(() => expect(messagesOn(first)).toHaveLength(70));
  const passedOn = new Set<number>();
  for (const { id } of messagesOn(first)) {
    passedOn.add(id ?? 0);
    first.receive(JSON.stringify({ $ts: 'ack', id }));
  }
  await Promise.all(sent);
  // tab-2 closes; the worker ends with its last page.
  w1.hub.leave('tab-2');
  w1.kill();
  w1.hub.dispose();

  // The reloaded page starts a fresh worker and resumes the session from its cursor.
  const w2 = world.startHub('build-a');
  const tab1Again = await world.attachTab(w2.hub, 'tab-1-reloaded');
  await tab1Again.api.open('tab-1-reloaded', options, saved);
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  expect(resumeFrameOf(second)).toMatchObject({ session });
  // The server says the highest id the session passed on.
  second.receive(JSON.stringify({ $ts: 'resumed', nonce: NONCE, seq: 0, lastId: 70 }));
  void tab1Again.api.send('tab-1-reloaded', name, 'after reload');
  await vi.waitFor(() => expect(messagesOn(second)).toHaveLength(1));
  const [written] = messagesOn(second);
  // An id the server passed on already would be dropped by it as a message it had.
  expect(passedOn.has(written?.id ?? 0)).toBe(false);
  expect(written?.id).toBe(71);
  // The tabs hear of the ids taken, for whichever hub resumes the session next.
  expect(w2.hub.inspect(name)?.cursor?.nextId).toBeGreaterThan(71);
});

it('a tab that opens the live session with a newer cursor moves the next id above its nextId', async () => {
  const name = 'newer-cursor';
  const options = relayOptions(name);
  const hub = world.startHub('build-a');
  const stale = await world.attachTab(hub.hub, 'stale');
  const session = 'a-session-id-0123456789';
  await stale.api.open('stale', options, { session, seq: 0, nextId: 65 });
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  expect(resumeFrameOf(socket)).toMatchObject({ session });
  // A server of an earlier build tells no lastId.
  socket.receive(resumed(0));
  const newer: SessionCursor = { session, seq: 0, nextId: 129 };
  const other = await world.attachTab(hub.hub, 'newer');
  await other.api.open('newer', options, newer);
  // A cursor of another session says nothing of this one's ids.
  await other.api.open('newer', options, {
    session: 'another-session-0123456',
    seq: 0,
    nextId: 999,
  });
  void other.api.send('newer', name, 'next');
  await vi.waitFor(() => expect(messagesOn(socket)).toHaveLength(1));
  expect(messagesOn(socket)[0]?.id).toBe(129);
});
