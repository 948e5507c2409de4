/**
 * Review 18h (an attack on 3dedec8's "a re-post with no wire is placed with numberingUnder
 * and told to the peer at once with a `numbered`"): that `numbered` names the session the
 * owner wrote the send in before (`WrittenSends`), which may not be the owner's session now
 * (it resynced since), and its `wire` is that session's id. Every relaying hub raises the
 * next id of its own cursor's session by any `numbered` it hears (`RelayPeer.#takeIds(
 * message.wire + 1)`, whatever the session and whoever it is to). An owner is played by hand
 * on the relay channel, as in review-18g-relay-told-session.test.ts.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { ownerLockName, relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Invariant: resolved = the app got it exactly once; nothing lost (docs/design.md "Delivery
// guarantees"). A server drops an id at or below its window's floor as seen; an id far
// ahead raises the floor past the ids in between (dedupe-window.ts, SEEN).
// Severity: medium-low (a long-lived session S with thousands of sends, then a resync to a
// new session T whose ids start again; a relaying hub died between the owner's write on S
// and its reading of `numbered`, its tab re-posts through a fresh hub: the owner tells that
// hub `numbered` with S's id, which every relaying hub on T takes as T's next id).
// Story: relaying hub B follows the owner on session T (ids at 3); the owner posts the
// `numbered` 3dedec8 posts for a remembered re-post written as #5000 of S, then leaves; B
// takes over and writes its tab's new send on T.
// What I saw: B writes it on T as #5001 (its cursor's nextId was raised from 3 to 5001). On
// the server, T's window jumps: every id of T up to 5001 - window counts as seen, so the
// re-posts of T's #3.. (the dead owner's unacknowledged sends, which keep their ids) are
// acknowledged as duplicates without reaching the app: resolved, never passed on.
// NEW with 3dedec8 (the owner posting another session's id: checked with a real RelayOwner
// in a scratch test, not kept: on S with nextId 5000 it wrote a peer's send as #5000, the peer
// died, a resync put it on T, and the re-post through a fresh peer got `numbered` {wire 5000,
// session S} at once, then {wire 1, session T, before [S 5000]}). The peer's reaction is
// OLDER: 80f354e's RelayPeer raises its ids the same on this message (the test fails there
// too), but its owners posted the ids of their current session only.
// Suggested fix: the peer takes ids of `numbered.session === cursor.session` only; or the
// owner posts the immediate `numbered` only when the remembered wire is of its current
// session (otherwise it waits for the write's own `numbered`), or carries the new wire.
// Fixed: a relaying hub takes the ids of a `numbered` only when it names the hub's session.
it("takes the ids of its own session only from an owner's numbered", async () => {
  const name = 'relay-numbered-other-session';
  const b = world.startHub('build-b');
  const tab = await world.attachTab(b.hub, 'tab-1');
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
  const options = relayOptions(name);
  const status = { state: 'open', generation: 1, failedAttempts: 0 };
  const cursor = { session: 'session-t', seq: 0, nextId: 3 };
  const from = { v: 1, from: 'hand-owner' };
  const { url } = options;
  const heard: RelayMessage[] = [];
  channel.onmessage = ({ data }: MessageEvent<RelayMessage>) => {
    heard.push(data);
    if (data.kind === 'join') {
      const owner = { kind: 'owner', build: 'a', url, status, cursor, joined: data.from };
      channel.postMessage({ ...from, ...owner, asked: data.ask });
    }
  };
  await tab.api.open('tab-1', options);
  void tab.api.send('tab-1', name, 'old', { id: 1 });
  await vi.waitFor(() => expect(heard.some((message) => message.kind === 'send')).toBe(true));
  const send = heard.find((message) => message.kind === 'send') as { from: string; id: number };
  // As RelayOwner posts for a re-post it remembered writing as #5000 of its former session.
  channel.postMessage({
    ...from,
    kind: 'numbered',
    to: send.from,
    id: send.id,
    wire: 5000,
    session: 'session-s',
  });
  await vi.waitFor(() =>
    expect(tab.events.some((event) => event.kind === 'written' && event.wire)).toBe(true),
  );
  // The owner leaves: B takes the socket over on T.
  channel.postMessage({ ...from, kind: 'leaving' });
  releaseOwner();
  await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(0), { timeout: 5000 });
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  expect(resumeFrameOf(socket).session).toBe('session-t');
  socket.receive(resumed(0));
  void tab.api.send('tab-1', name, 'new', { id: 2 });
  const written = () =>
    socket.sent
      .map((frame) => JSON.parse(String(frame)) as { $ts?: string; id?: number; text?: string })
      .filter((frame) => frame.$ts === 'msg');
  await vi.waitFor(() => expect(written().some((frame) => frame.text === 'new')).toBe(true));
  const ids = written().map((frame) => frame.id as number);
  expect(Math.max(...ids)).toBeLessThan(100);
  channel.close();
});
