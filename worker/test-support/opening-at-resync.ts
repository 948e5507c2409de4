import { expect, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumeFrameOf, resync } from './connection-harness';
import { type hubWorld, relayOptions } from './hub-world';
import { ALL, ownerOnOpenSocket, push } from './relay-tabs';

type World = ReturnType<typeof hubWorld>;

/**
 * Review 21g's unit form: hub a owns `name`, c's hub follows it, and b's hub joins with a
 * tab's cursor (S@2) that the owner does not read yet, while another hub's join announces
 * the owner to b (b mirrors its state, hears what it relays, follows no stream). The socket
 * drops; a page reloaded onto b (`late`) opens with S@2 and waits for the owner's answer to
 * b's `sync` join; the next socket's resume is answered `resync` at 50, which b tells its
 * tabs meanwhile. `deliverJoins` hands the owner b's joins.
 */
export async function openingAtResync(world: World, name: string) {
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
  // Another hub's join: the owner's answer to it announces the owner to b's hub too.
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
  const deliverJoins = () => {
    delete world.hooks.relayReceived;
    world.deliver(name, joins, 'build-a');
  };
  return { socket: next, tabC, late, opened, deliverJoins };
}

/** The kinds of the events `tab` heard from its last `opened` on. */
export function kindsAfterOpened(tab: { events: ReadonlyArray<{ kind: string }> }): string[] {
  const kinds = tab.events.map((event) => event.kind);
  return kinds.slice(kinds.lastIndexOf('opened'));
}
