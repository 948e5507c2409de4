/**
 * Review 18g (an attack on d98b4f1): the owner's door for a peer's send. d98b4f1 checks the
 * peer's `before` (`isWrittenBefore`) and says the peer's word is "checked, as a tab's is
 * (`checkTabSend`)"; the id and session it comes with (`PeerSend.wire`, `session`) are not:
 * they go into the frame as they came. A relaying hub is played by hand.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { hubLockName, relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Invariant: untrusted input from another hub is checked (a peer's word is checked as a
// tab's is, d98b4f1's own comment in `RelayOwner.#send`); a send never hangs.
// Severity: low (a peer of a buggy or foreign build, same origin): the owner writes
// {"$ts":"msg","id":0,...} or {"id":2.5,...} or `was: { session: 42 }`; the server refuses
// the frame as malformed (id 0 / 2.5: `refused` names no id, so the owner's queue cannot
// settle the message: the peer's send waits for an ack that never comes, and is written
// again on every resume), where a tab's send with such a wire is refused at its hub's door
// (`checkTabSend`, InvalidArgumentError).
// What I saw: the frames below on the socket.
// OLDER: 94e427b writes the same frames (`numbering.id = wire`, `was: { session, id: wire }`
// unchecked since 3d49d9e/07cfb43); d98b4f1 checked `before` alone.
// Suggested fix: in `RelayOwner.#send`, take `wire`/`session` only when
// `isMessageOrigin({ session: session ?? current, id: wire })`, else as a send with no wire.
// Fixed so.
it.each([
  ['an id of 0', 0, undefined],
  ['an id that is not an integer', 2.5, undefined],
  ['a session that is not one', 3, 42],
])('writes a relayed send whose wire has %s as a new one', async (_, wire, badSession) => {
  const name = 'peer-wire-checked';
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const { session } = resumeFrameOf(socket);
  socket.receive(resumed(0));
  await new Promise<void>((held) => {
    void world.locks.request(hubLockName('hand-peer'), {}, () => {
      held();
      return new Promise(() => {});
    });
  });
  const channel = new BroadcastChannel(relayChannelName(name));
  const heard: RelayMessage[] = [];
  channel.onmessage = (event) => heard.push(event.data as RelayMessage);
  const from = { v: 1, from: 'hand-peer' };
  const { url } = relayOptions(name);
  channel.postMessage({ ...from, kind: 'join', build: 'build-b', url, topics: [], ask: 1 });
  await vi.waitFor(() => expect(heard.some((message) => message.kind === 'owner')).toBe(true));
  const owner = heard.find((message) => message.kind === 'owner')?.from as string;
  channel.postMessage({
    ...from,
    kind: 'send',
    to: owner,
    id: 1,
    data: 'odd',
    wire,
    session: badSession ?? session,
  });
  await vi.waitFor(() => expect(socket.sent.join()).toContain('"odd"'));
  const frame = socket.sent.find((sent) => String(sent).includes('"odd"'));
  expect(frame).toBe(JSON.stringify({ $ts: 'msg', id: 1, text: 'odd' }));
  channel.close();
});
