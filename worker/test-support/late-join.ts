import { expect, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { HELLO, resumed } from './connection-harness';
import type { hubWorld } from './hub-world';

type World = ReturnType<typeof hubWorld>;
type Tab = Awaited<ReturnType<World['attachTab']>>;

/**
 * An owner tab of build `build-o` on an open socket (a fresh session), and a tab of a
 * second hub (`build-p`) whose joins the owner does not read yet, as a lagging channel
 * holds them: `deliver()` hands them over. `tabOf` opens a tab on a hub of a build.
 */
export async function ownerWithLateJoin(
  world: World,
  name: string,
  tabOf: (build: string, tabId: string, name: string) => Promise<Tab>,
) {
  const owner = await tabOf('build-o', 'tab-o', name);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  await vi.waitFor(() => expect(owner.states().at(-1)).toMatch(/^open:/));
  const joins: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-o' || message.kind !== 'join') return undefined;
    joins.push(message);
    return 'lost';
  };
  const peer = await tabOf('build-p', 'tab-p', name);
  await vi.waitFor(() => expect(joins).toHaveLength(1));
  const deliver = () => {
    delete world.hooks.relayReceived;
    world.deliver(name, joins, 'build-o');
  };
  return { owner, socket, peer, deliver };
}
