/**
 * A tab that opens on a relaying hub with a cursor waits for the owner's answer to the
 * hub's join (`SharedConnection.sync`), and its page drops the events before `opened`. A
 * resync the hub posts meanwhile, before it follows its owner, is told every other tab and
 * leaves the hub's cursor where it was: the tab's catch-up from it finds nothing, and the
 * owner's verdict on the join is told no tab again (review 21g: the pushes of the gap were
 * lost in silence for a page reloaded then).
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

it('tells a tab whose open waited for the owner the resync its hub posted meanwhile', async () => {
  const { socket, late, opened, deliverJoins } = await openingAtResync(world, 'opening-resync');
  deliverJoins();
  await expect(opened).resolves.toMatchObject({ ok: true });
  socket.receive(push(51));
  await vi.waitFor(() => expect(late.frames().map((frame) => frame.seq)).toContain(51));
  const afterOpened = kindsAfterOpened(late);
  expect(afterOpened.indexOf('resync')).toBeGreaterThan(0);
  expect(afterOpened.indexOf('resync')).toBeLessThan(afterOpened.indexOf('frames'));
  expect(afterOpened.filter((kind) => kind === 'resync')).toHaveLength(1);
});
