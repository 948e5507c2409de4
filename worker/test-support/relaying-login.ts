import { expect, vi } from 'vitest';
import { handshake } from './connection-harness';
import type { FakeSocket } from './fake-socket';
import { type hubWorld, relayOptions } from './hub-world';

/**
 * The start of the tests of a relaying hub's earlier and next login: hub a owns the socket
 * (its tab open); hub b relays, its tab-b open, its tab-b2 attached for the next login. Grace
 * 0, so b's login ends as tab-b releases.
 */
export async function ownerAndRelayingHub(world: ReturnType<typeof hubWorld>, name: string) {
  const options = relayOptions(name, { gracePeriod: 0 });
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  const tabB2 = await world.attachTab(b.hub, 'tab-b2');
  await tabA.api.open('tab-a', options);
  const { socket } = handshake(world.latest());
  await tabB.api.open('tab-b', options);
  await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
  return { options, a, b, tabA, tabB, tabB2, socket };
}

/** The id the socket wrote the message of `text` under, once it is written. */
export async function writtenId(socket: FakeSocket, text: string): Promise<number> {
  const matches = (frame: unknown) => String(frame).includes(`"${text}"`);
  await vi.waitFor(() => expect(socket.sent.some(matches)).toBe(true));
  return (JSON.parse(String(socket.sent.find(matches))) as { id: number }).id;
}
