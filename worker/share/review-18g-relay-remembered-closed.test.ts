/**
 * Review 18g (an attack on d98b4f1, whose report says a relayed re-post that was written
 * before now rejects "unconfirmed" rather than "closed" when its login closes): the re-post
 * that knows nothing of its first write (its relaying hub died before it read the owner's
 * `numbered`) and that the owner wrote again under the id it remembered (`WrittenSends`).
 * Its tab's client was told nothing, so it cannot turn "closed" into "unconfirmed" itself
 * (`PendingSends.fail`); the owner, which knows, answers "closed". Relaying hubs are played
 * by hand on the relay channel (their lifetime locks held here).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed } from '../test-support/connection-harness';
import { handPeer as handPeerOf } from '../test-support/hand-peer';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

const handPeer = (name: string, peer: string) => handPeerOf(world.locks, name, peer);

// Invariant: rejected with a "closed" (not delivered) error = the server's app never got it;
// one that may have it rejects "unconfirmed" (docs/design.md "Delivery guarantees").
// Severity: medium (a send the app may have is reported not delivered: the app's retry makes
// it twice), needing a relaying hub that dies between the owner's write and its reading of
// `numbered`, then a logout while the owner's socket is down. The relaying hub is of an
// earlier release (4905bad..1369e05: an origin, no `confirms`: written at once); one of this
// release that does not answer `holds` within HEARD_DEADLINE_MS is written the same way.
// Story: the owner writes the peer's send as #1 on S (the server may pass it on; no ack
// yet); the peer dies before it read `numbered`; its tab, told nothing, posts the send
// again through its fresh hub (same origin, no wire); the owner's socket is down, so the
// re-post waits in its queue under the remembered id #1; a tab logs out.
// What I saw: the tab's send rejects with TS_ERR_CLOSED (ConnectionClosedError), which its
// client passes on as it is (its entry was never told a wire, `PendingSends.fail`): "not
// delivered", though S may have passed #1 on. The owner, with the re-post waiting in its
// queue under the id it remembered, tells its peers `state: closed` and nothing else; the
// relaying hub's `rejectClosed('owner')` answers a send the owner did not number "closed"
// ("one it did not number it never wrote"), which holds for this owner's queue, not for the
// remembered write. (With the socket back instead, the owner writes the re-post as
// {"$ts":"msg","id":1,"text":"once"}: it did take the remembered id.)
// OLDER: 94e427b answers the same (`WrittenSends` since c3f2947); d98b4f1's unconfirmed
// change reaches the re-posts that carry a wire only.
// Suggested fix: the owner tells the peer of a re-post it took a remembered id for (e.g. a
// `numbered` at once, or a `settled` with UnconfirmedSendError as it closes), and counts the
// message as written (`Message.written`, so `rejectWaiting` answers it unconfirmed).
// Fixed: the owner posts the peer `numbered` with the remembered wire as it takes it.
it('answers a remembered re-post unconfirmed when the login closes', async () => {
  const name = 'remembered-closed';
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  // The relaying page's tab, on its fresh hub: the hub that relayed its send first is played
  // by hand (it died), under the origin the tab's send has (`<tab id>:<number>`).
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  first.receive(resumed(0));
  const peer = await handPeer(name, 'hand-peer-1');
  peer.post({ kind: 'send', to: peer.owner, id: 1, data: 'once', origin: 'tab-b:1' });
  await vi.waitFor(() =>
    expect(first.sent).toContain(JSON.stringify({ $ts: 'msg', id: 1, text: 'once' })),
  );
  // The peer dies having read nothing; the owner's socket drops before the ack.
  peer.die();
  first.drop();
  await vi.waitFor(() => expect(world.latest()).not.toBe(first), { timeout: 5000 });
  // Its tab posts the send again through its fresh hub: no wire (it was told none).
  await tabB.api.open('tab-b', relayOptions(name));
  const sent = tabB.api.send('tab-b', name, 'once', { id: 1 });
  // The owner takes it under the id it remembered (it waits for the socket).
  for (let turn = 0; turn < 50; turn++) await new Promise((next) => setImmediate(next));
  await tabA.api.close('tab-a', name, 1000, '');
  const outcome = (await sent) as { ok: boolean; error?: { code: string } };
  expect(outcome.ok).toBe(false);
  expect(outcome.error?.code).toBe('TS_ERR_UNCONFIRMED');
  peer.channel.close();
});
