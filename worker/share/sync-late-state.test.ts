/**
 * Review 22f's root cause (helper 23c), in one hub world: a relaying hub's `sync` for a tab's
 * new login waits for the owner's answer to the join it posts then; a `state` the owner
 * posted before it read that join, late on a lagging channel, is not that answer.
 *
 * Invariant: no push for another user (`foreign push`), and after close() no push of the old
 * session reaches any handle (sim/README.md "Invariants"): taken as the answer, the state let
 * the open through, and the ended login's pushes behind it reached the next user's handle.
 * Fixed: while a `sync` join waits, `RelayPeer.known` needs its answer (or an owner's
 * `leaving`, or another's takeover), not any state told since; the wait stays bounded by
 * `KNOWN_WITHIN`.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('a state the owner posted before it read the sync join does not answer the open', async () => {
  const name = 'sync-late-state';
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  const tabNext = await world.attachTab(b.hub, 'tab-next');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const { socket } = handshake(world.latest());
  await tabB.api.open('tab-b', relayOptions(name));
  await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
  // b's channel lags from now on: what a posts reaches b only as the test hands it over.
  const held: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-b') return undefined;
    held.push(message);
    return 'lost';
  };
  // a posts a push and a state (its socket dropped), before b's next join.
  socket.receive(push(1));
  socket.drop();
  await vi.waitFor(() => expect(held.map((message) => message.kind)).toContain('state'));
  const before = held.length;
  // A tab of b opens for a new login: b joins again, and a's answer never reaches it.
  let opened = false;
  const opening = Promise.resolve(tabNext.api.open('tab-next', relayOptions(name))).then(() => {
    opened = true;
  });
  tabNext.api.setInterest('tab-next', name, ALL);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // The late push and state, posted before a read the join.
  world.deliver(name, held.slice(0, before), 'build-b');
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect({ opened, frames: tabNext.frames().length }).toEqual({ opened: false, frames: 0 });
  // No answer comes: the open is taken after `KNOWN_WITHIN` all the same.
  await opening;
});
