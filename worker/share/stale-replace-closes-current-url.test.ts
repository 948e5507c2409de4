/**
 * Review 10 of 4431ed8: the owner takes a `close` of an earlier login of a hub, whatever its
 * reason. A `replaced` of a url switch the hub's tab undid at once (U1 → U2 → U1), late on
 * the hub's old channel, closes the login the hub's latest login (U1 again) joined.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('a relaying hub’s stale `replaced` of a url switch its tab undid', () => {
  // Invariants: every open handle hears pushes after healing; one socket per browser+name,
  // of the url the last login asked for (docs/design.md "One socket per browser").
  // Severity: medium (every handle of the name, tab-a's and the latest login's, ends
  // `closed:replaced` and the browser has no socket of the name, though the last url any
  // tab asked for is the owner's: an app that takes `replaced` as "another login took
  // over" never opens again; needs a url switch and back within a channel's lag).
  // What I saw: b relays to a (U1). tab-b opens the name with U2 (b's login 1 posts
  // `close` replaced; lagging), then with U1 again (b's login 3 joins a, which, live,
  // answers: b follows a). The stale `close`s (logins 1 and 2) reach a after login 3's
  // join; since 4431ed8 a takes them (exempt), closes for every hub and, since dac21d9,
  // lets go of the lock: tab-a and tab-b end `closed:replaced`, and no socket is left.
  // NEW with 4431ed8 relative to a966baa (there the stale closes were dropped as of an
  // earlier login, and the login went on); the same as before 8df5d6e. Checked: with the
  // stale rule of `RelayOwner.receive` dropping every stale kind again, this test passes.
  // Fixed: an owner drops a `replaced` close of a hub's earlier login.
  it('the latest login, of the owner’s url, goes on', async () => {
    const name = 'stale-replace-closes-current-url';
    const u1 = relayOptions(name);
    const u2 = { ...u1, url: 'ws://127.0.0.1:9/other' };
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabA.api.open('tab-a', u1);
    tabA.api.setInterest('tab-a', name, ALL);
    const { socket } = handshake(world.latest());
    await tabB.api.open('tab-b', u1);
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    // b's `close`s lag on their way to a.
    const held: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-a' || message.kind !== 'close') return undefined;
      held.push(message);
      return 'lost';
    };
    void tabB.api.open('tab-b', u2);
    await vi.waitFor(() => expect(held.length).toBeGreaterThanOrEqual(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    void tabB.api.open('tab-b', u1);
    tabB.api.setInterest('tab-b', name, ALL);
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    // Then the stale closes, to a alone.
    world.deliver(name, held.splice(0), 'build-a');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const live = () => world.sockets.filter((one) => one.closeCalls.length === 0);
    // Healing: one socket of U1, and both handles hear its pushes.
    await vi.waitFor(() => expect(live()).toHaveLength(1), { timeout: 1_500 });
    const [current] = live();
    if (current && current !== socket) handshake(current);
    current?.receive(push(1));
    // (Counted as the tabs' seq filter counts them: b's replaced login, still following a
    // until a reads its `close`, relays each push to tab-b too; the client drops the copy.)
    const heard = (tab: typeof tabA) => tab.frames().some(({ seq }) => seq === 1);
    await vi.waitFor(() =>
      expect({ a: heard(tabA), b: heard(tabB) }).toEqual({ a: true, b: true }),
    );
    expect(current?.url).toBe(u1.url);
  });
});
