/**
 * A tab of the owner's own hub that opens (a new login's) with a numbered cursor of the
 * owner's fresh session: the sibling of review-20d-held-claim-ends-kept-cursor through the
 * tab's path (`SharedConnection.start` → `WireLink.learn`), older than 984399f.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** A tab of `hub` that opens with `cursor` (or none) and wants every topic. */
async function tabWith(
  hub: ReturnType<typeof world.startHub>['hub'],
  tabId: string,
  name: string,
  cursor?: SessionCursor,
) {
  const tab = await world.attachTab(hub, tabId);
  await tab.api.open(tabId, relayOptions(name), cursor);
  tab.api.setInterest(tabId, name, ALL);
  return tab;
}

describe("a peer's kept cursor over an owner's session its own tab says is numbered", () => {
  // Invariant: every push once in order, or `resync` before the first gap (`gap without
  // resync`). What I saw: O's tab brings S fresh (O takes S, `new`); O's second tab brings
  // S numbered, which made O's S `offered`, so O answered P's join (its tab brought X:3)
  // with S not fresh; P took S:0 and dropped X, O's deferred verdict on X died with O, and
  // J, taking the lock, resumed S with P following at S:0: P's tab heard no `resync`.
  // Fixed: a new login's tab's cursor of the owner's session marks it numbered for its
  // resume alone (`WireLink.learn` → `numberedElsewhere`), as a new login's join does.
  it('the peer whose tab brought X hears resync once S goes on without its owner', async () => {
    const name = 'owner-tab-numbered';
    const o = world.startHub('build-o');
    await tabWith(o.hub, 'tab-o', name, { session: 'S', seq: 0, nextId: 1, fresh: true });
    const first = world.latest();
    await tabWith(o.hub, 'tab-o2', name, { session: 'S', seq: 0, nextId: 1, numbered: true });
    const j = world.startHub('build-j');
    const tabJ = await tabWith(j.hub, 'tab-j', name);
    await vi.waitFor(() => expect(tabJ.states().at(-1)).toMatch(/^connecting:/));
    const p = world.startHub('build-p');
    const tabP = await tabWith(p.hub, 'tab-p', name, {
      session: 'X',
      seq: 3,
      nextId: 4,
      numbered: true,
    });
    // O answered P's join (its builds name P's).
    await vi.waitFor(() =>
      expect(
        tabP.events.some((event) => event.kind === 'builds' && event.builds.includes('build-o')),
      ).toBe(true),
    );
    o.kill();
    await vi.waitFor(() => expect(world.latest()).not.toBe(first), { timeout: 5000 });
    const socket = world.latest();
    socket.accept();
    socket.receive(HELLO);
    socket.receive(resumed(0));
    await vi.waitFor(() => expect(tabP.states().at(-1)).toMatch(/^open:/));
    await vi.waitFor(() => expect(tabP.events.map((event) => event.kind)).toContain('resync'));
  });
});
