/**
 * Review 18g (an attack on d98b4f1's "a re-post written before is not 'not delivered'"): the
 * outbox gate where a send enters its tab's hub (`refuseSend`, `SharedConnection.send`)
 * refuses a re-post (a tab's send that a worker which died wrote, posted again with its
 * wire) as it refuses a new send: `OutboxFullError`, "refused before it is written (never
 * queued)" (docs/design.md "One send contract"). The tab's client turns only a
 * `ConnectionClosedError` of a written send into "unconfirmed" (`PendingSends.fail`).
 */
import { afterEach, expect, it } from 'vitest';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Invariant: rejected with a not-delivered error = the server's app never got it (docs/
// design.md: OutboxFullError refuses a send "before it is written (never queued)").
// Severity: medium-low (a send the app may have is reported not delivered; the app's retry
// makes it twice), needing a tab whose hub's outbox is full as the tab posts a send again
// after its worker died: a relaying page's fresh hub takes the tab's new sends before its
// re-posts (or another tab's sends fill it: the limit counts the hub's, not the tab's).
// Story: the relaying hub B (outboxLimit 1) holds one send of its tab, not settled (the
// owner's socket is down); the tab posts again the send its dead worker wrote as #3 of S.
// What I saw: the re-post rejects at once with TS_ERR_OUTBOX_FULL, which the tab's client
// passes on as it is (a written send is turned "unconfirmed" for ConnectionClosedError only).
// OLDER: 94e427b answers the same (the gate came with review 4; re-posts with a wire with
// the worker-death work), for the owner's own tabs too; d98b4f1 did not touch it.
// Suggested fix: a send that carries a wire (`TabSend.wire`: written by a worker before) is
// not refused for the limit (it was counted once already), or is refused
// `UnconfirmedSendError`; or the client turns any refusal of a numbered send into it.
// Fixed: `SharedConnection.send` does not count a re-post (an id kept, or a `was`) against
// the limit. (Test: its answer is awaited behind a new send's refusal, not to the end.)
it('does not refuse a re-post for a full outbox', async () => {
  const name = 'repost-outbox';
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const { session } = resumeFrameOf(socket);
  socket.receive(resumed(0));
  await tabB.api.open('tab-b', relayOptions(name, { outboxLimit: 1 }), {
    session,
    seq: 0,
    nextId: 65,
  });
  // The owner's socket drops: B's tab's new send waits, counted in B's outbox.
  socket.drop();
  void tabB.api.send('tab-b', name, 'new', { id: 5 });
  let again: unknown = 'waiting';
  void tabB.api.send('tab-b', name, 'old', { id: 4, wire: { session, id: 3 } }).then((answer) => {
    again = answer;
  });
  // A new send behind it is refused: the re-post's answer, had it been refused too, came first.
  const behind = await tabB.api.send('tab-b', name, 'newer', { id: 6 });
  expect(behind).toMatchObject({ ok: false, error: { code: 'TS_ERR_OUTBOX_FULL' } });
  expect(again).toBe('waiting');
});
