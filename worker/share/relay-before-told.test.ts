/**
 * A relaying hub's door for the owner's `numbered` (review 18d): the sessions it names
 * before (`before`) are checked as a tab's are (`isWrittenBefore`) before the hub tells its
 * tab, whose re-post would put them on the wire. A hand-played owner answers.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { ownerLockName, relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import type { WireId } from '../../protocol/tab-hub';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

const s0 = { session: 'an-older-session-0', id: 2 };
/** A list with a hole after `s0`: `every` skips it. */
const holed: unknown[] = [s0];
holed.length = 2;

it.each([
  ['tells its tab where the owner wrote its send before', [s0], [s0]],
  ['tells its tab nothing of a list with a hole', holed, undefined],
  ['tells its tab nothing of a list with a bad origin', [s0, { session: '', id: 1 }], undefined],
])('%s', async (_, before, told) => {
  const name = 'relay-told-checked';
  const a = world.startHub();
  const tab = await world.attachTab(a.hub, 'tab-a');
  void world.locks.request(ownerLockName(name), {}, () => new Promise(() => {}));
  const owner = new BroadcastChannel(relayChannelName(name));
  const options = relayOptions(name);
  const status = { state: 'open', generation: 1, failedAttempts: 0 };
  const cursor = { session: 's1', seq: 0, nextId: 1 };
  owner.onmessage = ({ data }: MessageEvent<RelayMessage>) => {
    const from = { v: 1, from: 'hand-owner' };
    if (data.kind === 'join') {
      const { url } = options;
      const answer = { kind: 'owner', build: 'b', url, status, cursor, joined: data.from };
      owner.postMessage({ ...from, ...answer, asked: data.ask });
    }
    if (data.kind === 'send') {
      const { id } = data;
      owner.postMessage({
        ...from,
        kind: 'numbered',
        to: data.from,
        id,
        wire: 1,
        session: 's1',
        before,
      });
    }
  };
  await tab.api.open('tab-a', options);
  void tab.api.send('tab-a', name, 'x', { id: 1 });
  const wires = () =>
    tab.events.flatMap((event) => (event.kind === 'written' && event.wire ? [event.wire] : []));
  await vi.waitFor(() => expect(wires()).toHaveLength(1));
  const wire: WireId = told ? { session: 's1', id: 1, before: told } : { session: 's1', id: 1 };
  expect(wires()).toEqual([wire]);
  owner.close();
});
