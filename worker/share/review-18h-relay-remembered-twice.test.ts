/**
 * Review 18h (an attack on 3dedec8's remembered re-post: `WrittenSends.take` forgets what
 * the owner wrote a peer's send under as it hands it to the re-post, and tells the re-post's
 * peer `numbered` at once). Relaying hubs are played by hand on the relay channel (their
 * lifetime locks held here), as in review-18g-relay-remembered-closed.test.ts.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { tabLockName } from '../../protocol/locks';
import { HELLO, resumed } from '../test-support/connection-harness';
import { handPeer as handPeerOf } from '../test-support/hand-peer';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

const handPeer = (name: string, peer: string) => handPeerOf(world.locks, name, peer);

const turns = async (count: number) => {
  for (let turn = 0; turn < count; turn++) await new Promise((next) => setImmediate(next));
};

// Invariant: resolved = the app got it exactly once (docs/design.md "Delivery guarantees";
// docs/design.md "When the worker dies": a send the owner wrote keeps its id through its
// relaying hub's death, so the server passes it once).
// Severity: low-medium (two relaying hubs of one tab die in a row: the first between the
// owner's write and its reading of `numbered`, the second before it read the `numbered` the
// owner posts at once for the re-post, while the owner's socket is down; a page reloaded
// twice quickly, or a crashing renderer, during a reconnect).
// Story: the owner writes peer 1's send (origin tab-b:1) as #1 on S, no ack; peer 1 dies;
// the owner's socket drops; the tab re-posts through peer 2 (no wire: told nothing): the
// owner takes #1 from its memory (`WrittenSends.take`, which forgets it) and queues it;
// peer 2 dies before reading anything (its queued send is withdrawn); the tab re-posts
// through peer 3, again with no wire.
// What I saw: the owner remembers nothing of tab-b:1 any more, numbers peer 3's re-post as a
// new send and writes it on S as {"$ts":"msg","id":2,"text":"once"} once its socket is back:
// the server passes #1 (first socket) and #2 on: the app gets "once" twice.
// OLDER in kind: before 3dedec8 `take(origin, session)` forgot it the same way (the new
// immediate `numbered` does not help a peer that died before reading it).
// Suggested fix: `WrittenSends` keeps the wire until the re-post is written again (record
// it again in `#send` when the remembered id is taken, or `take` only peeks and the write's
// `numbered` replaces it), so that each later re-post by origin finds it.
// Fixed: `WrittenSends.writtenAt` keeps the wire until the re-post is written (`record` again).
it('writes a send re-posted twice through dying hubs under the id it was written under', async () => {
  const name = 'remembered-twice';
  // The tab whose sends the hand peers relay lives on (it holds its lifetime lock).
  void world.locks.request(tabLockName('tab-b'), {}, () => new Promise(() => {}));
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  first.receive(resumed(0));
  const peer1 = await handPeer(name, 'hand-peer-1');
  peer1.post({ kind: 'send', to: peer1.owner, id: 1, data: 'once', origin: 'tab-b:1' });
  await vi.waitFor(() =>
    expect(first.sent).toContain(JSON.stringify({ $ts: 'msg', id: 1, text: 'once' })),
  );
  peer1.die();
  first.drop();
  await vi.waitFor(() => expect(world.latest()).not.toBe(first), { timeout: 5000 });
  const peer2 = await handPeer(name, 'hand-peer-2');
  peer2.post({ kind: 'send', to: peer2.owner, id: 1, data: 'once', origin: 'tab-b:1' });
  await turns(50);
  peer2.die();
  await turns(50);
  const peer3 = await handPeer(name, 'hand-peer-3');
  peer3.post({ kind: 'send', to: peer3.owner, id: 1, data: 'once', origin: 'tab-b:1' });
  await turns(50);
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  second.receive(resumed(0));
  await vi.waitFor(() =>
    expect(second.sent.some((frame) => String(frame).includes('"text":"once"'))).toBe(true),
  );
  await turns(50);
  const written = second.sent.filter((frame) => String(frame).includes('"text":"once"'));
  expect(written).toEqual([JSON.stringify({ $ts: 'msg', id: 1, text: 'once' })]);
  for (const peer of [peer1, peer2, peer3]) peer.channel.close();
});
