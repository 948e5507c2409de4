/**
 * Review 18i, of cfb6c27's bound on re-posts (`SharedConnection.send`: a send carrying a
 * kept id or a `was` is let in while the hub's queue holds less than twice `outboxLimit`,
 * and refused past it with OutboxFullError).
 */
import { afterEach, expect, it } from 'vitest';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Invariant: each send settles once; a rejection other than Unconfirmed/ConnectionFailed/
// WorkerError means the app never got it (docs/design.md "Delivery guarantees": "A
// rejection means the app behind the server did not get the message"; OutboxFullError is
// one that refuses a send "before it is written").
// Severity: medium (a real send reported "not delivered" while the app has it: the app
// retries it under a new id and the server's app gets it twice; needs a worker that died
// twice in a row with full outboxes, or tabs that post new sends to the fresh worker before
// other tabs' re-posts come in).
// Story: worker A writes s1, s2 (outboxLimit 2) and dies; its tabs re-post them to worker
// B, which takes two new sends s3, s4 too (4 = twice the limit: all let in) and writes all
// four on its socket, and dies before their acks. Worker C gets new sends s5, s6 from one
// tab first (queued 2), then the other tab's re-posts of s1..s4, each with its wire.
// What I saw: s1 and s2 are let in (queued 4), s3 and s4 are refused with
// TS_ERR_OUTBOX_FULL, which says they never reached the app; B wrote them, and the server
// may have passed them on.
// NEW with cfb6c27 (before it a re-post was never refused: 3dedec8, review 18g).
// Suggested fix: refuse a re-post past the bound with UnconfirmedSendError (it may have been
// written: "unconfirmed"), as review 18h suggested, not OutboxFullError; docs/design.md then
// says so.
// Fixed: a re-post past its bound is refused with UnconfirmedSendError.
it('never answers a re-post of a written send with OutboxFullError', async () => {
  const name = 'repost-full';
  const c = world.startHub('build-c');
  const tab = await world.attachTab(c.hub, 'tab-a');
  await tab.api.open('tab-a', relayOptions(name, { outboxLimit: 2 }));
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const { session } = resumeFrameOf(socket);
  socket.receive(resumed(0));
  socket.drop();
  // New sends first: the limit's worth.
  void tab.api.send('tab-a', name, 'new-5', { id: 5 });
  void tab.api.send('tab-a', name, 'new-6', { id: 6 });
  // Then the re-posts of s1..s4, each written before by a worker that died (its wire kept).
  const answers: unknown[] = [];
  for (const n of [1, 2, 3, 4]) {
    void tab.api
      .send('tab-a', name, `old-${n}`, { id: n, wire: { session, id: n } })
      .then((answer) => answers.push(answer));
  }
  // A new send behind them (refused: the outbox is full): its answer comes after any
  // refusal of theirs; the ones let in wait for the socket.
  const behind = await tab.api.send('tab-a', name, 'new-7', { id: 7 });
  expect(behind).toMatchObject({ ok: false, error: { code: 'TS_ERR_OUTBOX_FULL' } });
  const codes = answers.map((answer) => (answer as { error?: { code?: string } }).error?.code);
  expect(codes).not.toContain('TS_ERR_OUTBOX_FULL');
});
