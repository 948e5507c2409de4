/**
 * Review 22d of 7d97537 (unit form of sim/review-22d-opening-resync-twice.test.ts). As in
 * relay-opening-resync.test.ts, a page reloaded onto b's relaying hub waits for the owner's
 * answer to the hub's `sync` join while the hub tells its tabs a resync (`resyncUnheard`);
 * here the owner also relays a push after the resync and before its answer, which b's hub,
 * not following yet, holds back (`RelayPeer.#heldBack`): the owner's verdict on the hub's
 * join (its catch-up for S@2 is `resync`) is then made every tab's (review 21e).
 *
 * Invariant: no spurious resync. Severity: low. What I saw: the late tab's events are
 * ["resync","cursor","builds","opened","resync","resync","frames"]: after `opened`, the
 * catch-up's resync (7d97537) and the verdict's, with no push between, where one covers
 * both the gap and the push held back. NEW with 7d97537: on 5072181 the late tab hears
 * ["resync","cursor","builds","opened","resync","frames"] (the verdict alone) and this
 * it.fails fails. (tabB's two resyncs are needed: it heard the first before push 51 was
 * held back.)
 */
import { afterEach, expect, it, vi } from 'vitest';
import { hubWorld } from '../test-support/hub-world';
import { kindsAfterOpened, openingAtResync } from '../test-support/opening-at-resync';
import { push } from '../test-support/relay-tabs';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  delete world.hooks.relayReceived;
  world = hubWorld();
});

it.fails('tells a tab whose open waited for the owner one resync, a push held back after the resync', async () => {
  const { socket, tabC, late, opened, deliverJoins } = await openingAtResync(
    world,
    'opening-resync',
  );
  // A push the owner relays before its answer: b's hub, not following, holds it back.
  socket.receive(push(51));
  await vi.waitFor(() => expect(tabC.frames().map((frame) => frame.seq)).toContain(51));
  deliverJoins();
  await expect(opened).resolves.toMatchObject({ ok: true });
  socket.receive(push(52));
  await vi.waitFor(() => expect(late.frames().map((frame) => frame.seq)).toContain(52));
  const afterOpened = kindsAfterOpened(late);
  expect(afterOpened.indexOf('resync')).toBeGreaterThan(0);
  expect(afterOpened.indexOf('resync')).toBeLessThan(afterOpened.indexOf('frames'));
  expect(afterOpened.filter((kind) => kind === 'resync')).toHaveLength(1);
});
