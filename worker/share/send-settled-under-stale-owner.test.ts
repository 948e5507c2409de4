/**
 * Review 10 of 89148d2: an owner takes each send id of a peer's login once
 * (`RelayOwner.#send`, `Peer.lastSend`). A peer that follows another owner for a moment (a
 * dead owner's announcement, late on a lagging channel) ignores what the owner it left
 * tells it meanwhile, its `settled` too; back with that owner, it posts the send again,
 * and the owner, which wrote and settled it, now drops the copy without a word.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RELAY_VERSION, type RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe('a relayed send whose `settled` comes while the peer follows a stale owner', () => {
  // Invariant (docs/design.md "Delivery guarantees"): each send() settles once (resolved =
  // the app got it exactly once).
  // Severity: high (the send never settles while the login lives: the app waits for good
  // on a message the server got; its outbox slot stays taken).
  // What I saw: b relays to a; tab-b sends; a numbers it, b answers `holds`, a writes it and
  // the server acks; a posts `settled`. Before b reads it, a dead owner's late announcement
  // ("ghost") reaches b: b adopts it (joins, posts the send to it), then reads a's `settled`
  // and ignores it (not its owner's). a answers b's join; b adopts a again and posts the
  // send anew; a drops it (`id <= peer.lastSend`) and says nothing: tab-b's send() pends.
  // NEW with 89148d2: before, a took the copy, wrote it again under the id b had read (the
  // server acks a duplicate) and settled it. Checked: with the `lastSend` test of
  // `RelayOwner.#send` removed, this test passes.
  // Fixed: an owner tells a peer again how a send it posted again settled (`Peer.settled`).
  it('the send settles', async () => {
    const name = 'send-settled-under-stale-owner';
    const a = world.startHub('build-a');
    const b = world.startHub('build-b');
    const tabA = await world.attachTab(a.hub, 'tab-a');
    const tabB = await world.attachTab(b.hub, 'tab-b');
    await tabA.api.open('tab-a', relayOptions(name));
    const { socket } = handshake(world.latest());
    await tabB.api.open('tab-b', relayOptions(name));
    await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
    const held: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-b' || message.kind !== 'settled' || held.length > 0) return undefined;
      held.push(message);
      return 'lost';
    };
    let settled: string | undefined;
    void Promise.resolve(tabB.api.send('tab-b', name, 'hello', { id: 1 })).then((outcome) => {
      settled = JSON.stringify(outcome);
    });
    await vi.waitFor(() => expect(socket.sent.join()).toContain('"hello"'));
    const written = socket.sent.find((frame) => String(frame).includes('"hello"'));
    const { id } = JSON.parse(String(written)) as { id: number };
    socket.receive(JSON.stringify({ $ts: 'ack', id }));
    await vi.waitFor(() => expect(held).toHaveLength(1));
    // The ghost's announcement, then a's `settled`, reach b in that order.
    const status = { state: 'open', generation: 1, failedAttempts: 0 } as const;
    const cursor = { session: 'ghost-session', seq: 0, nextId: 1 };
    const ghost: RelayMessage = {
      v: RELAY_VERSION,
      from: 'ghost',
      kind: 'owner',
      build: 'build-ghost',
      url: relayOptions(name).url,
      status,
      cursor,
      joined: '',
    };
    world.deliver(name, [ghost, ...held], 'build-b');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The server acks whatever is written of it again (a duplicate, by its id).
    const copies = socket.sent.filter((frame) => String(frame).includes('"hello"'));
    for (const copy of copies.slice(1)) {
      socket.receive(
        JSON.stringify({ $ts: 'ack', id: (JSON.parse(String(copy)) as { id: number }).id }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Seen: undefined (pending for good; a wrote it once, and the server acked it).
    expect(settled).toBe(JSON.stringify({ ok: true }));
  });
});
