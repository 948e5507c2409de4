/**
 * Review 9 of the relay's login numbers (8df5d6e: a peer's messages carry its hub's login
 * number, and the owner takes none of a login older than the last it heard from that hub).
 * The number is counted by `SharedConnection` (`#logins`), but a hub makes a new
 * `SharedConnection` for a name whenever the last one went (its tabs released it and the
 * grace period passed, a new url, other options after a logout): the numbers start again at
 * 1 under the same hub id, and the owner's rule no longer tells an earlier login's message
 * from the next login's.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });
const ack = (id: number) => JSON.stringify({ $ts: 'ack', id });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** The message ids the frames carrying `text` went under. */
function idsOf(sent: unknown[], text: string): number[] {
  return sent
    .map((frame) => JSON.parse(String(frame)) as { $ts?: string; id?: number; text?: string })
    .filter((frame) => frame.$ts === 'msg' && frame.text === text)
    .map((frame) => frame.id as number);
}

/** Hands `messages` to the hub of build-a alone, once each, in order (as a lagging channel would, late). */
function toA(name: string, messages: RelayMessage[]): void {
  delete world.hooks.relayReceived;
  world.deliver(name, messages, 'build-a');
}

describe('a relaying hub that let its connection go and opens it again (a new SharedConnection)', () => {
  // Invariants (docs/design.md "Delivery guarantees", sim/README.md "Invariants"): each
  // send() settles once; every open handle hears pushes (after healing).
  // Severity: high (a tab's send never settles, and the tab hears no push of a live
  // connection, with no error and no resync: it looks open).
  // What I saw: b relays to a; b's only tab releases the connection (a page navigates
  // within the site), the grace period ends, and b posts `leave` (login 1) on its channel
  // and lets the entry go. The tab opens the name again at once: b makes a new
  // `SharedConnection`, whose first login is numbered 1 too, opens a new channel and joins
  // (login 1). With a lagging channel (the sim's `channel-lag`, the very ordering 8df5d6e
  // was about: seed 4306) a reads the join first, then the old channel's `leave`: 1 is not
  // lower than 1, so a drops b. b follows a all the same: a posts it no push (no peers),
  // and `RelayOwner.#send` returns without a word for b's send (the peer is "dropped
  // already"), so the send hangs forever.
  // New or not: the late `leave` dropping the next join is seed 4306, which 8df5d6e meant
  // to close; it stays open whenever the next login is a new SharedConnection's (numbers
  // per SharedConnection, not per hub). Not new with these commits, but their fix misses it.
  // Fixed: the hub numbers its logins across its connections (`RelayEnvironment.nextLogin`).
  it('a late leave of the last entry’s login does not drop the next entry’s join', async () => {
    const name = 'login-number-restart-grace';
    const options = relayOptions(name, { gracePeriod: 0 });
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabA.api.open('tab-a', options);
    tabA.api.setInterest('tab-a', name, ALL);
    const { socket } = handshake(world.latest());
    await tabB.api.open('tab-b', options);
    tabB.api.setInterest('tab-b', name, ALL);
    await vi.waitFor(() => expect(tabB.states().at(-1)).toBe('open:attached'));
    // b's old channel lags: its `leave` reaches a only after the next login's join.
    const held: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-a' || message.kind !== 'leave') return undefined;
      held.push(message);
      return 'lost';
    };
    tabB.api.release('tab-b', name);
    await vi.waitFor(() => expect(held).toHaveLength(1));
    expect((held[0] as { login?: number }).login).toBe(1);
    // The tab opens the name again: b's new entry joins a, and follows it.
    await tabB.api.open('tab-b', options);
    tabB.api.setInterest('tab-b', name, ALL);
    await vi.waitFor(() =>
      expect(tabB.states().filter((s) => s === 'open:attached')).toHaveLength(2),
    );
    // Then the old channel's `leave`.
    toA(name, held);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // What a tab of b does now: hear a push, and send.
    socket.receive(push(1));
    await vi.waitFor(() => expect(tabA.frames()).toHaveLength(1));
    const sent = tabB.api.send('tab-b', name, 'after', { id: 1 });
    await vi.waitFor(() => expect(idsOf(socket.sent, 'after')).toHaveLength(1), { timeout: 500 });
    socket.receive(ack(idsOf(socket.sent, 'after')[0] ?? -1));
    await expect(sent).resolves.toEqual({ ok: true, value: undefined });
    await vi.waitFor(() => expect(tabB.frames()).toHaveLength(1), { timeout: 500 });
  });
});
