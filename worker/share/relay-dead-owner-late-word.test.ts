/**
 * Review 21g's stall (sim/review-21g-owner-reload-stalls-relay.test.ts): on lagging
 * channels a hub's messages keep their order, but one hub's and another's do not, so an
 * answer the owner posted to a relaying hub's join just before it died can reach that hub
 * after its successor's announcement. Taken as a new owner's, it made the hub follow the
 * dead one, wait for its answer to a later join (which never came), and drop every word of
 * the live owner: its tabs heard nothing more, and showed `open`. Both tests fail on
 * 5072181.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { handshake as handshakeOn } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** What a's hub (the first owner) posts to c's hub while `holding`: held back, in `late`. */
function lagToC() {
  const lag = {
    holding: false,
    late: [] as RelayMessage[],
    owner: undefined as string | undefined,
  };
  world.hooks.relayReceived = (build, message) => {
    if (message.kind === 'owner') lag.owner ??= message.from;
    if (build !== 'build-c' || !lag.holding || message.from !== lag.owner) return undefined;
    lag.late.push(message);
    return 'lost';
  };
  return lag;
}

/** `answered`: the tab's open waits for its hub to know the state (the owner's answer). */
async function openTab(build: string, tabId: string, name: string, answered = true) {
  const { hub, kill } = world.startHub(build);
  const tab = await world.attachTab(hub, tabId);
  const opened = tab.api.open(tabId, relayOptions(name));
  if (answered) await opened;
  tab.api.setInterest(tabId, name, ALL);
  return { hub, kill, tab };
}

/** a's hub dies; b's, first in the lock's queue, takes the socket over; c's follows it. */
async function handOverToB(c: Awaited<ReturnType<typeof openTab>>, a: { kill(): void }) {
  a.kill();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const { socket } = handshakeOn(world.latest(), 1);
  await vi.waitFor(() => expect(c.tab.states().at(-1)).toMatch(/^open:/));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return socket;
}

it('a relaying hub does not follow a dead owner it followed whose answer to its join comes after its successor’s announcement', async () => {
  const name = 'dead-owner-late-answer';
  const lag = lagToC();
  const a = await openTab('build-a', 'tab-a', name);
  const b = await openTab('build-b', 'tab-b', name);
  const c = await openTab('build-c', 'tab-c', name);
  const { socket: first } = handshakeOn(world.latest());
  first.receive(push(1));
  await vi.waitFor(() => expect(c.tab.frames()).toHaveLength(1));

  // A second tab's login on c's hub makes it join a's again; a's answer lags.
  lag.holding = true;
  const again = await world.attachTab(c.hub, 'tab-c2');
  void again.api.open('tab-c2', relayOptions(name));
  await vi.waitFor(() => expect(lag.late.map((message) => message.kind)).toContain('owner'));
  const second = await handOverToB(c, a);

  world.deliver(name, lag.late, 'build-c');
  await new Promise((resolve) => setTimeout(resolve, 50));
  second.receive(push(2));
  await vi.waitFor(() => expect(c.tab.frames().map((frame) => frame.seq)).toEqual([1, 2]));
  expect(b.hub.inspect(name)?.role).toBe('owner');
});

it('a relaying hub does not follow a dead owner it never heard whose answer to its first join comes after its successor’s announcement', async () => {
  const name = 'dead-owner-late-first-answer';
  const lag = lagToC();
  const a = await openTab('build-a', 'tab-a', name);
  const b = await openTab('build-b', 'tab-b', name);
  const { socket: first } = handshakeOn(world.latest());
  first.receive(push(1));
  await vi.waitFor(() => expect(b.tab.frames()).toHaveLength(1));

  // c's hub joins a's, whose answer lags past a's death and b's announcement: c's hub
  // never heard a's before, and knows of no death when it comes.
  lag.holding = true;
  const c = await openTab('build-c', 'tab-c', name, false);
  await vi.waitFor(() => expect(lag.late.map((message) => message.kind)).toContain('owner'));
  const second = await handOverToB(c, a);

  world.deliver(name, lag.late, 'build-c');
  await new Promise((resolve) => setTimeout(resolve, 50));
  second.receive(push(2));
  await vi.waitFor(() => expect(c.tab.frames().map((frame) => frame.seq)).toContain(2));
  expect(b.hub.inspect(name)?.role).toBe('owner');
});
