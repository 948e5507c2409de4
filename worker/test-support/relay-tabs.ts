import type { ResolvedConnectionOptions } from '../../protocol/connection-options';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed } from './connection-harness';
import type { hubWorld } from './hub-world';

type World = ReturnType<typeof hubWorld>;

/** What a tab that wants every push of the connection tells its hub. */
export const ALL = { all: true, topics: [] };

/** A push frame numbered `seq`, as the server writes it. */
export const push = (seq: number): string => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

/** A fresh hub of `build` and a tab of it that opened `options.name` (from `cursor`) and wants every push. */
export async function tabOnHub(
  world: World,
  build: string,
  tabId: string,
  options: ResolvedConnectionOptions,
  cursor?: SessionCursor,
) {
  const started = world.startHub(build);
  const tab = await world.attachTab(started.hub, tabId);
  await tab.api.open(tabId, options, cursor);
  tab.api.setInterest(tabId, options.name, ALL);
  return { ...started, tab };
}

/** Hub `build-a` and its tab `tab-a` own `options.name` on an open socket: a fresh session. */
export async function ownerOnOpenSocket(world: World, options: ResolvedConnectionOptions) {
  const owner = await tabOnHub(world, 'build-a', 'tab-a', options);
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  socket.receive(resumed(0));
  return { ...owner, socket };
}
