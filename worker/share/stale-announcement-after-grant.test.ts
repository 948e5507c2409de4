/**
 * The lock comes to a relaying hub while the owner it follows lives: it waits for that
 * owner's word (`leaving`) or death (`SharedConnection.#take`). An announcement of another
 * hub heard meanwhile was posted before the lock came: on lagging channels, an owner that
 * died before the followed one took over (sim/review-20c-next-login-no-socket.test.ts).
 * The owners are played by hand on the relay channel, as in
 * review-18h-relay-numbered-other-session.test.ts.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { hubLockName, ownerLockName, relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** Lets the lock grants and channel messages posted so far run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

// Before the fix the hub followed the dead owner's late announcement, so the word of the
// owner it waited for (from another hub now) was ignored, and it held the lock with no
// socket for good: the next login's hubs queued behind it got none either.
it("takes the socket on the followed owner's word, past a dead owner's late announcement", async () => {
  const name = 'stale-announcement-after-grant';
  const options = relayOptions(name);
  const b = world.startHub('build-b');
  const tab = await world.attachTab(b.hub, 'tab-1');
  // The followed owner, alive throughout: it holds its lifetime lock and the owner lock.
  await new Promise<void>((held) => {
    void world.locks.request(hubLockName('owner-x'), {}, () => {
      held();
      return new Promise<void>(() => {});
    });
  });
  let releaseOwner = () => {};
  await new Promise<void>((held) => {
    void world.locks.request(ownerLockName(name), {}, () => {
      held();
      return new Promise<void>((release) => {
        releaseOwner = release;
      });
    });
  });
  const channel = new BroadcastChannel(relayChannelName(name));
  const status = { state: 'open', generation: 1, failedAttempts: 0 };
  const cursor = { session: 'session-s', seq: 0, nextId: 1 };
  const { url } = options;
  let owning = true;
  channel.onmessage = ({ data }: MessageEvent<RelayMessage>) => {
    if (data.kind !== 'join' || !owning) return;
    const answer = { kind: 'owner', build: 'a', url, status, cursor, joined: data.from };
    channel.postMessage({ v: 1, from: 'owner-x', ...answer, asked: data.ask });
  };
  await tab.api.open('tab-1', options);
  await vi.waitFor(() => expect(tab.states().at(-1)).toBe('open:attached'));
  // owner-x lets go (its word still on its way): the lock comes to b, which waits for it.
  owning = false;
  releaseOwner();
  await settle();
  // A dead owner's answer to another hub, posted before owner-x took over, comes late.
  const late = { kind: 'owner', build: 'a', url, status, cursor, joined: 'hub-z', asked: 1 };
  channel.postMessage({ v: 1, from: 'dead-owner', ...late });
  await settle();
  channel.postMessage({ v: 1, from: 'owner-x', kind: 'leaving' });
  await vi.waitFor(() => expect(world.sockets).toHaveLength(1));
  channel.close();
});
