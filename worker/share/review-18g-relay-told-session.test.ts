/**
 * Review 18g (an attack on d98b4f1, which made the owner's `numbered` carry `before` to the
 * relaying hub's tab): the session the tab is told with its send's id. The relaying hub keeps
 * the owner's (`numbered.session`, cfe12fb: "a peer still joining with a stale cursor keeps
 * the right one") for itself (`RelayedSend.wire`), but its tab is told the hub's own cursor's
 * (`numberingOf`'s `onNumbered` reads `connection.cursor`, the `RelayPeer`'s). An owner is
 * played by hand on the relay channel: it answers in the order it hears, as `RelayOwner`
 * does, and the test picks when it hears.
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

// Invariant: resolved = the server's app got it exactly once (a re-post names where it was
// written: docs/design.md "When the worker dies"); a tab's wire is where its send was written.
// Severity: low-medium (a send lost, or passed twice, after a worker death; needs the window
// below and a re-post). Story: a relaying hub B knows the owner (its announcement answered
// another hub) and posts its join and its tab's send; a second tab of B comes with the
// cursor of an older session ("stale", a reloaded page's), so B joins again from it
// (`resumeFrom`); the owner, on "live", answers the first join (B takes it as an earlier
// join's: it follows nothing yet, its cursor stays "stale"), numbers the send #7 of "live",
// then answers the second join.
// What I saw: the tab is told { session: "stale", id: 7 } (its `written` event), though the
// owner wrote it as #7 of "live" (and B itself keeps { live, 7 }). Should B die before the
// ack, the tab posts it again naming "stale" #7: its fresh hub on "live" writes it as a new
// id with `was: stale #7`, and a server that holds "stale", where #7 was another message it
// passed on, drops it as passed already (lost, if "live" never read its #7); a fresh hub
// that resumes "stale" writes it as #7 there, dropped likewise. With d98b4f1 the `before`
// it is told goes with that wrong session too.
// OLDER: on 94e427b the tab is told the same (the hub's cursor since the owner's `numbered`
// named a session, cfe12fb); d98b4f1 changed the line (`onNumbered(message.wire, before)`)
// and kept it.
// Suggested fix: `Numbering.onNumbered`/`confirm` take the session with the id (the relay
// peer passes `message.session ?? cursor`), and `numberingOf` tells that one.
// Fixed: the relaying hub tells its tab the owner's `numbered.session` (`onNumbered`'s third
// argument).
it('tells the tab the session the owner wrote its send in', async () => {
  const name = 'relay-told-session';
  const b = world.startHub('build-b');
  const tab = await world.attachTab(b.hub, 'tab-1');
  void world.locks.request(ownerLockName(name), {}, () => new Promise(() => {}));
  const channel = new BroadcastChannel(relayChannelName(name));
  const options = relayOptions(name);
  const status = { state: 'open', generation: 1, failedAttempts: 0 };
  const cursor = { session: 'live-session', seq: 4, nextId: 7 };
  const from = { v: 1, from: 'hand-owner' };
  const { url } = options;
  const heard: RelayMessage[] = [];
  let hold = true;
  const answer = (data: RelayMessage) => {
    if (data.kind === 'join') {
      const owner = { kind: 'owner', build: 'a', url, status, cursor, joined: data.from };
      channel.postMessage({ ...from, ...owner, asked: data.ask });
    }
    if (data.kind === 'send') {
      const { id } = data;
      const numbered = { kind: 'numbered', to: data.from, id, wire: 7, session: 'live-session' };
      channel.postMessage({ ...from, ...numbered });
    }
  };
  channel.onmessage = ({ data }: MessageEvent<RelayMessage>) => {
    if (data.kind === 'join' && !heard.some((message) => message.kind === 'join')) {
      heard.push(data);
      // Announced as it answers another hub's join: B knows the owner, and joins.
      channel.postMessage({ ...from, kind: 'owner', build: 'a', url, status, cursor, joined: 'q' });
      return;
    }
    if (hold) heard.push(data);
    else answer(data);
  };
  await tab.api.open('tab-1', options);
  void tab.api.send('tab-1', name, 'x', { id: 1 });
  await vi.waitFor(() => expect(heard.some((message) => message.kind === 'send')).toBe(true));
  // A reloaded page's tab comes with the cursor of an older session.
  const second = await world.attachTab(b.hub, 'tab-2');
  await second.api.open('tab-2', options, { session: 'stale-session', seq: 2, nextId: 3 });
  await vi.waitFor(() =>
    expect(heard.filter((message) => message.kind === 'join').length).toBeGreaterThanOrEqual(3),
  );
  // The owner hears them now, in order (its first join, the send, the join again).
  hold = false;
  for (const message of heard.slice(1)) answer(message);
  const wires = () =>
    tab.events.flatMap((event) => (event.kind === 'written' && event.wire ? [event.wire] : []));
  await vi.waitFor(() => expect(wires()).toHaveLength(1));
  expect(wires()).toEqual([{ session: 'live-session', id: 7 } satisfies WireId]);
  channel.close();
});
