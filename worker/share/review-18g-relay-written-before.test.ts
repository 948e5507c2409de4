/**
 * Review 18g (an attack on d98b4f1, `PeerSend.before` / `numbered.before`): the owner's
 * memory of the ids it wrote its peers' sends under (`WrittenSends`, for a tab that posts a
 * send again knowing no id: its relaying hub died before it read the owner's `numbered`)
 * keeps `{ session, id }` alone. A send the owner's switch renumbered (written before in
 * another session, `was`) is written again under the remembered id naming nothing before.
 * Relaying hubs are played by hand on the relay channel (their lifetime locks held here).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { tabLockName } from '../../protocol/locks';
import { HELLO, resumed, resumeFrameOf, resyncOnto } from '../test-support/connection-harness';
import { handPeer as handPeerOf } from '../test-support/hand-peer';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

const handPeer = (name: string, peer: string) => handPeerOf(world.locks, name, peer);

/** The `msg` frames that carry `text`, as written. */
function framesOf(sent: unknown[], text: string): Record<string, unknown>[] {
  return sent
    .map((frame) => JSON.parse(String(frame)) as Record<string, unknown>)
    .filter((frame) => frame.$ts === 'msg' && frame.text === text);
}

// Invariant: resolved = the server's app got it exactly once (docs/design.md "Delivery
// guarantees": a copy names every session it was written in, `was`/`also`, so that the
// server passes it on once).
// Severity: medium-low (the app gets a send twice, as reviews 18b/18d's): it needs a relaying
// hub that dies between the owner's write and its reading of `numbered`, and a session
// switch in between. Here the relaying hub is of an earlier release (4905bad..1369e05: it
// names an `origin` and does not `confirms`, so the owner writes at once); a hub of this
// release that does not answer `holds` within HEARD_DEADLINE_MS is written the same way.
// Story: the peer's tab's send is written in S #1 (passed on, ack lost); the owner's socket
// drops and the server resyncs it onto S2 (its store lost S; the registry may hold S still,
// `SessionRegistry`: the premise of reviews 18b/18d's stories), where the send is written again as
// {"id":1,"was":{S,1}} (the owner records origin → {S2, 1}, no `before`); that socket drops
// before S2 read it; the peer dies (its send is withdrawn) never having read either
// `numbered`, so its tab, told nothing, posts the send again through its fresh hub with the
// same origin and no wire; the owner resumes S2 and writes it under the id it remembered.
// What I saw: {"$ts":"msg","id":1,"text":"once"} on S2, no `was`: S2 never read #1, so it
// passes it on, though S passed it under #1: twice. (`WrittenSends.record` is given
// `{ session, id: wire }` and drops the `before` the queue hands `numbered` since d98b4f1;
// `take` gives the id alone.)
// OLDER: on 94e427b (before d98b4f1) the frame is the same: `WrittenSends` never kept where a
// send was written before (d98b4f1 made `numbered` carry `before` to the peer but not to
// `WrittenSends`, the helper left it open).
// Suggested fix: `record(origin, from, id, wireOf(session, wire, before))`, and in `#send`,
// for a re-post with no wire, `Object.assign(numbering, numberingUnder(written, current))`
// (the remembered wire is of the current session, so its id is kept and `before` named).
// Fixed: `WrittenSends` keeps where it was written before, and the owner places the
// re-post with `numberingUnder`.
it('names where a remembered peer send was written before, when its tab posts it again', async () => {
  const name = 'remembered-before';
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  await tabA.api.open('tab-a', relayOptions(name));
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  const { session } = resumeFrameOf(first);
  first.receive(resumed(0));
  // The peer's tab lives on (its lifetime lock held): it will post the send again.
  void world.locks.request(tabLockName('tab-p'), {}, () => new Promise(() => {}));
  const peer = await handPeer(name, 'hand-peer-1');
  // A hub of an earlier release: an origin, no `confirms`.
  peer.post({ kind: 'send', to: peer.owner, id: 1, data: 'once', origin: 'tab-p:1' });
  await vi.waitFor(() =>
    expect(framesOf(first.sent, 'once')).toEqual([{ $ts: 'msg', id: 1, text: 'once' }]),
  );
  // Ack lost: the socket drops, and the server has lost S (resync onto S2).
  first.drop();
  await vi.waitFor(() => expect(world.latest()).not.toBe(first), { timeout: 5000 });
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  second.receive(resyncOnto('S2'));
  const renumbered = { $ts: 'msg', id: 1, text: 'once', was: { session, id: 1 } };
  await vi.waitFor(() => expect(framesOf(second.sent, 'once')).toEqual([renumbered]));
  // The peer dies having read nothing; S2's socket drops before the server read the frame.
  peer.die();
  second.drop();
  await vi.waitFor(() => expect(world.latest()).not.toBe(second), { timeout: 5000 });
  const third = world.latest();
  third.accept();
  third.receive(HELLO);
  expect(resumeFrameOf(third).session).toBe('S2');
  third.receive(resumed(0));
  // The tab posts it again through its fresh hub: same origin, no wire.
  const fresh = await handPeer(name, 'hand-peer-2');
  fresh.post({ kind: 'send', to: fresh.owner, id: 1, data: 'once', origin: 'tab-p:1' });
  await vi.waitFor(() => expect(framesOf(third.sent, 'once')).toHaveLength(1));
  // Under the id S2 may have read, naming S, where it was passed on.
  expect(framesOf(third.sent, 'once')).toEqual([renumbered]);
  peer.channel.close();
  fresh.channel.close();
});
