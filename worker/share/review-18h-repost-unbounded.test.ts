/**
 * Review 18h (an attack on 3dedec8's "a re-post is not counted against outboxLimit"):
 * `SharedConnection.send` lets in every send that carries a `wire` (numbering with an id kept
 * or a `was`) whatever the hub's outbox holds. A tab's `wire` is checked for its shape only
 * (`checkTabSend`): nothing bounds how many sends of a tab carry one.
 */
import { afterEach, expect, it } from 'vitest';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Invariant: memory bounded (sim/README.md "Invariants"; docs/design.md: a hub's outbox holds
// at most `outboxLimit` sends, refused past it with OutboxFullError).
// Severity: low (a buggy or hostile tab of the origin; a page whose tab re-posts each send
// with a stale or made-up wire, e.g. an app that copies `wire` between sends).
// Story: an owner hub with outboxLimit 2 whose socket is down; its tab posts 50 sends, each
// with a well-formed wire it made up ({ session, id: n }: as a re-post after a worker death).
// What I saw: none of the 50 is refused; all wait in the hub's queue (a new send behind them
// is refused: the outbox counted them, the gate did not). Unbounded with the tab's rate.
// NEW with 3dedec8 (before it, `refuseSend` counted every send; 80f354e refuses them).
// Suggested fix: bound re-posts too: count them against a limit of their own (e.g. the
// outbox limit again, or the number of sends the hub's dead worker could have held), or
// exempt a wire only once per (tab, id) the hub has not seen before; or refuse a re-post past
// the limit with UnconfirmedSendError (the tab's client reports "unconfirmed", as it may have
// been written).
// Fixed: re-posts are let in up to twice `outboxLimit` (a dead worker held at most one
// limit's worth); the test's bound moved with it, from 48 refused to 46.
it('bounds the re-posts a tab can queue in its hub', async () => {
  const name = 'repost-flood';
  const a = world.startHub('build-a');
  const tab = await world.attachTab(a.hub, 'tab-a');
  await tab.api.open('tab-a', relayOptions(name, { outboxLimit: 2 }));
  const socket = world.latest();
  socket.accept();
  socket.receive(HELLO);
  const { session } = resumeFrameOf(socket);
  socket.receive(resumed(0));
  socket.drop();
  const answers: unknown[] = [];
  for (let n = 1; n <= 50; n++) {
    void tab.api
      .send('tab-a', name, `old-${n}`, { id: n, wire: { session, id: n } })
      .then((answer) => answers.push(answer));
  }
  // A new send behind them: its answer comes after any refusal of theirs.
  const behind = await tab.api.send('tab-a', name, 'new', { id: 100 });
  expect(behind).toMatchObject({ ok: false, error: { code: 'TS_ERR_OUTBOX_FULL' } });
  // At most twice outboxLimit (2) sends wait: the others were refused.
  expect(answers.length).toBeGreaterThanOrEqual(46);
});
