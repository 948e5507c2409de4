import { expect, vi } from 'vitest';
import type { ResolvedConnectionOptions } from '../../protocol/connection-options';
import { HELLO, handshake, resumed, resumeFrameOf } from './connection-harness';
import type { FakeSocket } from './fake-socket';
import type { hubWorld } from './hub-world';
import { push, tabOnHub } from './relay-tabs';

type World = ReturnType<typeof hubWorld>;

/**
 * Review 22c's renewed login, the owner's side: hub `build-a` owns S1, resumed unheld (its
 * server answered at 0), and push 1 reached its tabs; `withPeer`: hub `build-b` relays.
 */
export async function unheldOwner(
  world: World,
  options: ResolvedConnectionOptions,
  { withPeer }: { withPeer: boolean },
) {
  const a = await tabOnHub(world, 'build-a', 'tab-a', options);
  const b = withPeer ? await tabOnHub(world, 'build-b', 'tab-b', options) : undefined;
  const { socket, resume } = handshake(world.latest());
  expect(resume).not.toHaveProperty('held');
  const s1 = resume.session as string;
  socket.receive(push(1));
  const last = (b ?? a).tab;
  await vi.waitFor(() => expect(last.frames()).toHaveLength(1));
  return { a, b, s1 };
}

/** A page of an earlier owner's S1 stream, at S1:5 and numbered, opens on hub `build-c`. */
export function lateJoiner(world: World, options: ResolvedConnectionOptions, s1: string) {
  return tabOnHub(world, 'build-c', 'tab-c', options, {
    session: s1,
    seq: 5,
    nextId: 65,
    numbered: true,
  });
}

/**
 * The renewed login's server on `socket`: its S1 is the stream the owner began at 0 (pushes
 * 2–6 follow push 1); any other session is new (1–5). Answers the pushes it made.
 */
export function renewedServerPushes(socket: FakeSocket, s1: string): number[] {
  socket.accept();
  socket.receive(HELLO);
  const { session } = resumeFrameOf(socket);
  const pushed = session === s1 ? [2, 3, 4, 5, 6] : [1, 2, 3, 4, 5];
  socket.receive(resumed(session === s1 ? 1 : 0));
  for (const seq of pushed) socket.receive(push(seq));
  return pushed;
}
