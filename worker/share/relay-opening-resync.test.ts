/**
 * A tab that opens on a relaying hub with a cursor waits for the owner's answer to the
 * hub's join (`SharedConnection.sync`), and its page drops the events before `opened`. A
 * resync the hub posts meanwhile, before it follows its owner, is told every other tab and
 * leaves the hub's cursor where it was: the tab's catch-up from it finds nothing, and the
 * owner's verdict on the join is told no tab again (review 21g: the pushes of the gap were
 * lost in silence for a page reloaded then).
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumeFrameOf, resync } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { ALL, ownerOnOpenSocket, push } from '../test-support/relay-tabs';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  delete world.hooks.relayReceived;
  world = hubWorld();
});

it('tells a tab whose open waited for the owner the resync its hub posted meanwhile', async () => {
  const name = 'opening-resync';
  const options = relayOptions(name, { reconnect: { minDelay: 5, maxDelay: 5, jitter: 0 } });
  const { socket } = await ownerOnOpenSocket(world, options);
  // A hub the owner serves: it relays the stream on the channel, where b's hub hears it.
  const c = world.startHub('build-c');
  const tabC = await world.attachTab(c.hub, 'tab-c');
  await tabC.api.open('tab-c', options);
  tabC.api.setInterest('tab-c', name, ALL);
  socket.receive(push(1));
  socket.receive(push(2));
  await vi.waitFor(() => expect(tabC.frames()).toHaveLength(2));
  const { session } = resumeFrameOf(socket);
  const cursor: SessionCursor = { session, seq: 2, nextId: 1, numbered: true };
  // The owner reads no join of build b's hub till the resync is past.
  const joins: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-a' || message.kind !== 'join' || message.build !== 'build-b') {
      return undefined;
    }
    joins.push(message);
    return 'lost';
  };
  const b = world.startHub('build-b');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  const first = tabB.api.open('tab-b', options, cursor);
  tabB.api.setInterest('tab-b', name, ALL);
  await vi.waitFor(() => expect(joins).toHaveLength(1));
  // Another hub's join: the owner's answer to it announces the owner to b's hub too, which
  // mirrors its state and hears what it relays, yet follows no stream (its join unanswered).
  const tabC2 = await world.attachTab(c.hub, 'tab-c2');
  await tabC2.api.open('tab-c2', options);
  await expect(first).resolves.toMatchObject({ ok: true });
  socket.drop();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const next = world.latest();
  next.accept();
  next.receive(HELLO);
  await vi.waitFor(() => expect(tabB.states()).toContain('open:open'));
  // A page reloaded onto b's hub: its open waits for the owner's answer to the hub's join.
  const late = await world.attachTab(b.hub, 'tab-late');
  const opened = late.api.open('tab-late', options, cursor);
  late.api.setInterest('tab-late', name, ALL);
  await vi.waitFor(() => expect(joins).toHaveLength(2));
  // More than the server kept: the session goes on at 50, past a gap.
  next.receive(resync(50));
  await vi.waitFor(() => expect(tabB.events.map((event) => event.kind)).toContain('resync'));
  delete world.hooks.relayReceived;
  world.deliver(name, joins, 'build-a');
  await expect(opened).resolves.toMatchObject({ ok: true });
  next.receive(push(51));
  await vi.waitFor(() => expect(late.frames().map((frame) => frame.seq)).toContain(51));
  const kinds = late.events.map((event) => event.kind);
  const afterOpened = kinds.slice(kinds.lastIndexOf('opened'));
  expect(afterOpened.indexOf('resync')).toBeGreaterThan(0);
  expect(afterOpened.indexOf('resync')).toBeLessThan(afterOpened.indexOf('frames'));
  expect(afterOpened.filter((kind) => kind === 'resync')).toHaveLength(1);
});
