/**
 * The message ids of a session across hubs (`WireLink`): a hub that resumes a session from
 * a cursor numbers its messages above every id the session used, also the ids its cursor
 * does not count (a reloaded page's cursor is as old as the page's last word).
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../../protocol/tab-hub';
import {
  HELLO,
  NONCE,
  resumed,
  resumeFrameOf,
  resyncOnto,
} from '../test-support/connection-harness';
import type { FakeSocket } from '../test-support/fake-socket';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

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

interface Written {
  session: string;
  id: number;
}

it('a send re-posted after a worker death reaches the app once when a reloaded page brings a cursor of the session the server lost', async () => {
  const name = 'reload-stale';
  const options = relayOptions(name, { reconnect: { minDelay: 10, maxDelay: 10, jitter: 0 } });
  /** What the server's app got: one (session, id) per message passed on. */
  const passedOn = new Map<string, Written[]>();
  const record = (session: string, frame: unknown) => {
    const parsed = JSON.parse(String(frame)) as { $ts: string; id?: number; text?: string };
    if (parsed.$ts !== 'msg' || parsed.id === undefined) return;
    const list = passedOn.get(String(parsed.text)) ?? [];
    if (!list.some((w) => w.session === session && w.id === parsed.id)) {
      list.push({ session, id: parsed.id });
    }
    passedOn.set(String(parsed.text), list);
  };

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
  const s1 = resumeFrameOf(first).session;
  first.receive(resumed(0));
  for (let seq = 1; seq <= 5; seq++) first.receive(push(seq));
  await vi.waitFor(() => expect(tab1.frames()).toHaveLength(5));
  const saved = w1.hub.inspect(name)?.cursor;
  expect(saved).toMatchObject({ session: s1, seq: 5 });
  // tab-1 reloads: its page is gone for a moment, with S1:5 in sessionStorage.
  w1.hub.leave('tab-1');

  // The server restarts without its sessions: the stream goes on as S2.
  first.drop();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  second.receive(resyncOnto('session-two-0123456'));
  second.receive(push(1));
  void tab2.api.send('tab-2', name, 'x', { id: 1 });
  await vi.waitFor(() => expect(tab2.events.some((event) => event.kind === 'written')).toBe(true));
  for (const frame of second.sent) record('session-two-0123456', frame);
  expect(passedOn.get('x')).toEqual([{ session: 'session-two-0123456', id: 1 }]);
  const tab2Cursor = w1.hub.inspect(name)?.cursor;

  // The worker dies before the ack. The reloaded page attaches first to the fresh worker.
  w1.kill();
  const w2 = world.startHub('build-a');
  const tab1Again = await world.attachTab(w2.hub, 'tab-1-reloaded');
  const tab2Again = await world.attachTab(w2.hub, 'tab-2-again');
  const opened1 = tab1Again.api.open('tab-1-reloaded', options, saved);
  const opened2 = tab2Again.api.open('tab-2-again', options, tab2Cursor);
  const again = tab2Again.api.send('tab-2-again', name, 'x', {
    id: 1,
    wire: { session: 'session-two-0123456', id: 1 },
  });
  await vi.waitFor(() => expect(world.sockets).toHaveLength(3));
  const third = world.latest();
  third.accept();
  third.receive(HELLO);
  const resume = resumeFrameOf(third);
  // The server: S2 it still has (it resumes it and drops a message id it passed on);
  // any other session is gone, and its stream goes on as a new one.
  const session = resume.session === 'session-two-0123456' ? resume.session : 'session-three-0123';
  third.receive(session === resume.session ? resumed(1) : resyncOnto('session-three-0123'));
  await Promise.all([opened1, opened2]);
  await new Promise((r) => setTimeout(r, 30));
  for (const frame of third.sent) record(session, frame);
  for (const frame of third.sent) {
    const parsed = JSON.parse(String(frame)) as { $ts: string; id?: number };
    if (parsed.$ts === 'msg' && parsed.id !== undefined) {
      third.receive(JSON.stringify({ $ts: 'ack', id: parsed.id }));
    }
  }
  await expect(again).resolves.toEqual({ ok: true, value: undefined });
  expect(passedOn.get('x')).toHaveLength(1);
  // The fresh worker resumed the session that went on; the reloaded page, which came with
  // the lost one, is told it missed pushes; the tab that knew the live session is not.
  expect(session).toBe('session-two-0123456');
  expect(tab1Again.events.filter((event) => event.kind === 'resync')).toHaveLength(1);
  expect(tab2Again.events.filter((event) => event.kind === 'resync')).toHaveLength(0);
});

it('a fresh worker that owns the socket already takes a newer session a tab opens with, before its resume goes out', async () => {
  const name = 'newer-session';
  const options = relayOptions(name);
  const hub = world.startHub('build-a');
  const reloaded = await world.attachTab(hub.hub, 'reloaded');
  await reloaded.api.open('reloaded', options, {
    session: 'the-lost-session-0123',
    seq: 5,
    nextId: 65,
  });
  await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
  const other = await world.attachTab(hub.hub, 'other');
  const live = { session: 'the-live-session-0123', seq: 2, nextId: 129, epoch: 1 };
  await other.api.open('other', options, live);
  // An older session (a lower epoch) changes nothing.
  const older = await world.attachTab(hub.hub, 'older');
  await older.api.open('older', options, { session: 'an-old-session-012345', seq: 9, nextId: 9 });
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  expect(resumeFrameOf(socket)).toMatchObject({ session: live.session, last: 2 });
  socket.receive(resumed(2));
  expect(hub.hub.inspect(name)?.cursor).toMatchObject({ session: live.session, epoch: 1 });
  expect(reloaded.events.filter((event) => event.kind === 'resync')).toHaveLength(1);
  expect(other.events.filter((event) => event.kind === 'resync')).toHaveLength(0);
  // Once the resume went out, the session stays: the server answers for it.
  await world.attachTab(hub.hub, 'late').then((late) =>
    late.api.open('late', options, {
      session: 'a-later-session-01234',
      seq: 1,
      nextId: 1,
      epoch: 2,
    }),
  );
  expect(hub.hub.inspect(name)?.cursor?.session).toBe(live.session);
});
