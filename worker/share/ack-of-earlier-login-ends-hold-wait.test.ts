/**
 * Review 12 of 9d3767e: an owner settles its wait for a peer's `holds` by the peer's hub
 * and send id (`HeardWrites.settled(from, id)` as the send settles), not by its login, and
 * each login of a hub numbers its sends from 1. The server's ack of a hub's earlier login's
 * send 1, coming while the owner waits for the next login's `holds` of its send 1, ends that
 * wait unanswered: the send's `confirm` never resolves (no deadline is left for it), and the
 * owner's send queue, which writes nothing past it (`SendQueue.flush`), stops for good.
 * Unlike hold-wait-of-earlier-login.test.ts, no message of the earlier login is late: only
 * the ack has to come in the round trip of the next login's `numbered` and `holds`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hubWorld } from '../test-support/hub-world';
import { ownerAndRelayingHub, writtenId } from '../test-support/relaying-login';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the ack of a hub’s earlier login’s send 1, while its next login’s send 1 waits for `holds`', () => {
  // Invariant (docs/design.md "Delivery guarantees"): a send is never left pending for good
  // on a live page.
  // Severity: high (the owner writes nothing more, its own tabs' sends included, on a
  // healthy socket). Needs a hub's login to end (last tab released, grace 0) with a send
  // written and not acknowledged, its next login to send, and the ack to reach the owner
  // before that login's `holds` (one channel round trip: a slow page, a busy worker).
  // What I saw: neither "two" (b's login 2) nor "three" (a's own tab) is written 1.5 s on
  // (past HEARD_DEADLINE_MS). Control: without the ack of "one", "two" is written at the
  // deadline (b is then taken as unresponsive), so the ack is what stops it.
  // The late `holds` is modelled as lost: late, it finds no wait (the ack removed it) and is
  // ignored all the same (`HeardWrites.heard`).
  // PRE-EXISTING: fails the same with relay-owner.ts, relay-peer.ts and protocol/relay.ts
  // of 9d3767e^ (HeardWrites keys by hub and send id).
  // Fixed: an owner's waits for `holds` are per login of the peer hub (`holderOf`).
  it('the owner goes on writing: the next login’s send and its own tabs’', async () => {
    const name = 'ack-of-earlier-login-ends-hold-wait';
    const { options, tabA, tabB, tabB2, socket } = await ownerAndRelayingHub(world, name);
    void tabB.api.send('tab-b', name, 'one', { id: 1, confirms: true });
    const oneId = await writtenId(socket, 'one');
    let firstLogin: number | undefined;
    let leaveSent = false;
    let heldByNext = false;
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-a' || message.kind === undefined) return undefined;
      if (message.kind === 'leave') {
        leaveSent = true;
        firstLogin = message.login;
      }
      // The next login's `holds`: still on its way when the ack comes.
      if (message.kind === 'holds' && message.login !== firstLogin) {
        heldByNext = true;
        return 'lost';
      }
      return undefined;
    };
    tabB.api.release('tab-b', name);
    await vi.waitFor(() => expect(leaveSent).toBe(true));
    await tabB2.api.open('tab-b2', options);
    void tabB2.api.send('tab-b2', name, 'two', { id: 1, confirms: true });
    await vi.waitFor(() => expect(heldByNext).toBe(true));
    socket.receive(JSON.stringify({ $ts: 'ack', id: oneId }));
    void tabA.api.send('tab-a', name, 'three', { id: 1 });
    await sleep(1_500);
    const written = socket.sent.join();
    // Seen at 9d3767e: { two: false, three: false }.
    expect({ two: written.includes('"two"'), three: written.includes('"three"') }).toEqual({
      two: true,
      three: true,
    });
  });
});
