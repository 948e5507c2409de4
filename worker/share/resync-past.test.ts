/**
 * The server answers the resume of a session it lost with a new session from its first
 * push: what it wrote to the socket since it opened is that session's, so the tabs hear a
 * `resync` of the past only (`past`), which a handle that joined the open socket ignores.
 * Anything else the server may have lost keeps it whole, unless the server says the new
 * session has every push it wrote since the socket opened (`whole`).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resyncOnto } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const NEW_SESSION = 'session-two-0123456';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

async function resumeAnswered(
  name: string,
  between: (socket: ReturnType<typeof world.latest>) => void,
  answer: string,
) {
  const options = relayOptions(name);
  const w1 = world.startHub('build-a');
  const tab = await world.attachTab(w1.hub, 'tab-1');
  await tab.api.open('tab-1', options);
  tab.api.setInterest('tab-1', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  between(socket);
  socket.receive(answer);
  await vi.waitFor(() => expect(tab.events.some((event) => event.kind === 'resync')).toBe(true));
  return tab.events.filter((event) => event.kind === 'resync');
}

it('a new session from its first push, nothing heard while the resume was in flight: a resync of the past', async () => {
  const resyncs = await resumeAnswered('past', () => {}, resyncOnto(NEW_SESSION));
  expect(resyncs).toEqual([{ kind: 'resync', name: 'past', past: true }]);
});

it('a frame while the resume was in flight (the server may have kept fewer than it wrote): a whole resync', async () => {
  const push = JSON.stringify({ n: 1 });
  const resyncs = await resumeAnswered(
    'heard',
    (socket) => socket.receive(push),
    resyncOnto(NEW_SESSION),
  );
  expect(resyncs).toEqual([{ kind: 'resync', name: 'heard' }]);
});

// Review 18d (sim/review-18d-relay-tab-resync-before-open.test.ts): the server says so.
it('a frame while the resume was in flight, the server saying the new session has all it wrote since the socket opened (`whole`): a resync of the past', async () => {
  const push = JSON.stringify({ n: 1 });
  const whole = JSON.stringify({ ...JSON.parse(resyncOnto(NEW_SESSION)), whole: true });
  const resyncs = await resumeAnswered('whole', (socket) => socket.receive(push), whole);
  expect(resyncs).toEqual([{ kind: 'resync', name: 'whole', past: true }]);
});

it('a new session past its first push: a whole resync', async () => {
  const resyncs = await resumeAnswered('later', () => {}, resyncOnto(NEW_SESSION, 4));
  expect(resyncs).toEqual([{ kind: 'resync', name: 'later' }]);
});

it('a relaying hub passes the resync of the past on as such', async () => {
  const name = 'relayed';
  const options = relayOptions(name);
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', options);
  tabA.api.setInterest('tab-a', name, ALL);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  // A page of another build opens while the resume is in flight: its hub relays.
  const b = world.startHub('build-b');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabB.api.open('tab-b', options);
  tabB.api.setInterest('tab-b', name, ALL);
  expect(b.hub.inspect(name)?.role).toBe('relay');
  socket.receive(resyncOnto(NEW_SESSION));
  await vi.waitFor(() => expect(tabB.events.some((event) => event.kind === 'resync')).toBe(true));
  expect(tabB.events.filter((event) => event.kind === 'resync')).toEqual([
    { kind: 'resync', name, past: true },
  ]);
});
