/**
 * Review 25i of helper 25d's change (166cd88: 9591d3e, 2efcc6d), part (2): a keeper whose
 * lock was granted takes the socket on with it for its own next login, as a logged-out owner
 * does (`SharedConnection.start`), posting no `leaving`.
 *
 * Story (two builds, or pages without SharedWorker; channels that lag, as the sim's
 * `channel-lag`): h owns alice's S1 for tab-h; k relays it for tab-k, p for tab-p (alice,
 * every frame). tab-k logs out: k posts its `close`, keeps its place in the queue (a
 * keeper), h closes for every hub, posts its logout word and keeps the lock (dormant). Both
 * words lag to p. h's worker dies: the lock is k's (queued ahead of p). bob logs in through
 * tab-k: k takes the socket on for bob's login and announces it on a new channel
 * (`joined: ''`, `afterLogout`), which reaches p first. p follows h, not k, so round 24g's
 * rule (close on `joined: ''` + `afterLogout` from the owner followed) does not fire: p
 * takes k for a new owner, joins it with alice's cursor, and follows bob's login until the
 * lagging words come (its states: open:attached, connecting:handover, open:open,
 * closed:logout).
 *
 * alice's tab on p sent after the logout (its hub not knowing): the dormant owner dropped
 * it, and p posts its unsettled sends to the owner it adopts: k writes alice's message on
 * bob's session.
 *
 * Invariants (sim/README.md "Invariants"): Delivery, no push for another user (`foreign
 * push`): bob's push 1 reaches alice's handle in tab-p (first test); Sends, "resolved means
 * the app got it", read as review 21d/24g read it: alice's message reaches the app as bob's
 * (second test; the checker does not compare the user). Severity: high in effect, narrow (a
 * logout through a relaying tab, the logged-out owner's death and the next login within one
 * channel lag, <= 30 ms in the sim). The sim cannot reach it: its app logs out through any
 * live handle of the old login left in the browser before it logs the next user in
 * (`run.ts` `#loginNow`), so tab-p's handle logs out first; a real app's other pages learn
 * of the switch later (as review 24g's test argues).
 * The foreign push is OLDER: it fails the same on 8a4024d (before the change), by another
 * path: k's next login let go (its `leaving` lagging to p too), p took the lock for alice's
 * login, which never ended there, and bob's login (k) followed it. The send on bob's session
 * is NEW: on 8a4024d p, owner, wrote alice's send on no socket.
 * What I saw (NEW): tab-p's states open:attached, connecting:handover (p adopting k),
 * open:open, closed:logout (the lagging words delivered); bob's socket sent its resume, then
 * `{"$ts":"msg","id":1,"text":"alice-msg"}`.
 * A fix: a relaying hub adopts a `joined: ''` + `afterLogout` announcement of a hub other than
 * its owner only once its own owner let go (`leaving`) or its login ended (its owner's hub
 * lock free is not enough: the word may still be on its way); or the kept login's
 * announcement names the sessions its hub knows ended, which a hub still on one takes as
 * the logout word (as review 24g's rule does for the owner it follows).
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { isLogout } from './login-ends';

const ALL = { all: true, topics: [] };
const push = (seq: number, user: string) =>
  JSON.stringify({ $ts: 'push', seq, data: { user, n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

async function keeperTakesSocketOn() {
  const name = 'review-25i-keeper-foreign-push';
  const h = world.startHub('build-a');
  const tabH = await world.attachTab(h.hub, 'tab-h');
  await tabH.api.open('tab-h', relayOptions(name));
  tabH.api.setInterest('tab-h', name, ALL);
  const first = handshake(world.latest());
  await vi.waitFor(() => expect(tabH.states()).toContain('open:open'));
  const k = world.startHub('build-b');
  const tabK = await world.attachTab(k.hub, 'tab-k');
  await tabK.api.open('tab-k', relayOptions(name));
  await vi.waitFor(() => expect(tabK.states().at(-1)).toBe('open:attached'));
  const p = world.startHub('build-c');
  const tabP = await world.attachTab(p.hub, 'tab-p');
  await tabP.api.open('tab-p', relayOptions(name));
  tabP.api.setInterest('tab-p', name, ALL);
  await vi.waitFor(() => expect(tabP.states().at(-1)).toBe('open:attached'));
  first.socket.receive(push(1, 'alice'));
  await vi.waitFor(() => expect(tabP.frames()).toHaveLength(1));
  // The channels of alice's login lag to p: k's logout (`close`), h's word, any `leaving`.
  const held: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-c') return undefined;
    if (!(isLogout(message) || message.kind === 'close' || message.kind === 'leaving'))
      return undefined;
    held.push(message);
    return 'lost';
  };
  await tabK.api.close('tab-k', name, 1000, '', first.resume.session);
  await vi.waitFor(() => expect(tabH.states().at(-1)).toBe('closed:logout'));
  // alice's tab on p sends, its hub not knowing of the logout (h, dormant, drops it).
  void Promise.resolve(tabP.api.send('tab-p', name, 'alice-msg', { id: 1, confirms: true })).catch(
    () => {},
  );
  // The logged-out owner dies: the lock is k's (a keeper, queued ahead of p).
  h.kill();
  await new Promise((resolve) => setTimeout(resolve, 30));
  const sockets = world.sockets.length;
  // bob logs in through tab-k.
  await tabK.api.open('tab-k', relayOptions(name));
  tabK.api.setInterest('tab-k', name, ALL);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const bobSockets = () => world.sockets.slice(sockets);
  const pushBob = async (seq: number) => {
    for (const socket of bobSockets()) {
      if (socket.readyState === 0) handshake(socket);
      socket.receive(push(seq, 'bob'));
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
  };
  await pushBob(1);
  delete world.hooks.relayReceived;
  world.deliver(name, held, 'build-c');
  await new Promise((resolve) => setTimeout(resolve, 50));
  await pushBob(2);
  const bobHeardByAlice = tabP.frames().filter((frame) => JSON.stringify(frame).includes('bob'));
  const aliceOnBob = bobSockets().flatMap((socket) =>
    socket.sent.map(String).filter((frame) => frame.includes('alice-msg')),
  );
  return { bobHeardByAlice, aliceOnBob };
}

// Fixed: the kept login's announcement names the sessions its hub knows ended (`owner`
// `ended`); a relaying hub whose login is still on one of them ends it there, as on the
// logout word (`SharedConnection.#receive`): p closes before it follows k.
it('keeps bob’s pushes from alice’s handle on a hub that has not heard her logout', async () => {
  const { bobHeardByAlice } = await keeperTakesSocketOn();
  // Fails here (on 8a4024d too): bob's push 1 reached alice's handle in tab-p.
  expect(bobHeardByAlice).toEqual([]);
});

it('keeps alice’s send, posted after her logout unheard, off bob’s session', async () => {
  const { aliceOnBob } = await keeperTakesSocketOn();
  // Fails here (NEW: passes on 8a4024d): alice's send is written on bob's socket, k's.
  expect(aliceOnBob).toEqual([]);
});
