/**
 * Review 10 of 4431ed8: the owner takes a `close` of an earlier login of a hub (the stale
 * exemption of `RelayOwner.receive`). A relaying hub's logout (`close`, login 1, on its old
 * channel) that reaches the owner after the join of that hub's next login (login 2, a new
 * channel) now closes the owner's login, and with it the hub's next login, which joined it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { handshake, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe('a relaying hub’s stale logout that reaches the owner after its next login’s join', () => {
  // Tried: the owner ended the session and handed the socket over to the hub's later login,
  // as on a late logout word; but the hand-over reached every peer, and a third hub of the
  // logged-out login went on with it (review 15, stale-logout-third-hub.test.ts): reverted,
  // the trade-off stands (docs/delivery-limitations.md).
  // Invariant (brief, docs/design.md "Delivery guarantees" and the late-word handover of
  // `OwnedSocket.handOverAfterLogout`): a login that began after a logout must not be
  // closed by it; every open handle hears pushes after healing.
  // Severity: medium (the user's new login in tab-new, opened after tab-b's logout began
  // (its close() had not resolved yet), is closed `logout`: the app sees its fresh handle
  // closed as by a logout and must open it again; nothing of the old session leaks).
  // What I saw: b relays to a; tab-b logs out (b's `close`, login 1, lags on b's old channel)
  // and tab-new of b opens at once (b's login 2 joins a on a new channel: a, not knowing of
  // the logout, answers it with the live login). Then the stale `close` reaches a, which
  // since 4431ed8 takes it (login 1 < 2, exempt) and closes the whole login for every hub:
  // b's login 2 hears a's `closed` word and ends; tab-new ends `closed:logout`. The owner's
  // own late word hands the socket over to a peer whose login began after it
  // (`servesLoginAfter`); a peer's stale close does not: here it should end the session of
  // login 1 and let login 2 go on in a new session (or hand it the socket).
  // NEW with 4431ed8 relative to a966baa (there the stale close was dropped: the logout was
  // lost, a worse harm, review 9's logout-behind-next-join.test.ts); the same as before
  // 8df5d6e, whose commit message called it "a lesser harm". Not in sim/README "Still open".
  it.fails('the next login of the logged-out hub is not closed by the stale close', async () => {
    const name = 'stale-logout-closes-next-login';
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    const tabNew = await world.attachTab(b.hub, 'tab-new');
    await tabA.api.open('tab-a', relayOptions(name));
    tabA.api.setInterest('tab-a', name, ALL);
    const { socket } = handshake(world.latest());
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    socket.receive(push(1));
    await vi.waitFor(() => expect(tabA.frames()).toHaveLength(1));
    const held: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-a' || message.kind !== 'close') return undefined;
      held.push(message);
      return 'lost';
    };
    const closing = Promise.resolve(tabB.api.close('tab-b', name, 1000, ''));
    await vi.waitFor(() => expect(held).toHaveLength(1));
    const joined = new Promise<void>((read) => {
      world.hooks.relayReceived = (build, message) => {
        if (build === 'build-a' && message.kind === 'close') return 'lost';
        if (build === 'build-a' && message.kind === 'join') setTimeout(read, 0);
        return undefined;
      };
    });
    void tabNew.api.open('tab-new', relayOptions(name));
    tabNew.api.setInterest('tab-new', name, ALL);
    await joined;
    await vi.waitFor(() => expect(tabNew.states().at(-1)).toMatch(/^open:/));
    delete world.hooks.relayReceived;
    world.deliver(name, held, 'build-a');
    await closing;
    // The logged-out session closed (review 9's test checks that it does).
    await vi.waitFor(() => expect(socket.closeCalls.length).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // tab-new's login began after the logout: it goes on (in a session of its own).
    expect(tabNew.states()).not.toContain('closed:logout');
    // What a fix must also do: end the session, let b's later login go on, close tab-a.
    expect(tabA.states().at(-1)).toBe('closed:logout');
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(1));
    const next = handshake(world.latest());
    expect(next.resume.session).not.toBe(resumeFrameOf(socket).session);
    await vi.waitFor(() => expect(tabNew.states().at(-1)).toMatch(/^open:/));
  });
});
