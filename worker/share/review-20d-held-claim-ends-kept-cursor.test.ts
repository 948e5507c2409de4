/**
 * Review 20d (an attack on 984399f and eb02351: an owner learns a joining hub's cursor of
 * its own session whatever the join's intent, for whether it is `held`). The owner's
 * announcement then drops `fresh` before the owner wrote any resume of its own, and a
 * peer no longer keeps its tabs' cursor of another session over it (`RelayPeer.#merged`,
 * seed 4601's fix: sim/orphaned-verdict-gap.test.ts).
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

/** A tab of a fresh hub of `build` that opens with `cursor`; resolves once its owner answered. */
async function tabWith(build: string, tabId: string, name: string, cursor: SessionCursor) {
  const started = world.startHub(build);
  const tab = await world.attachTab(started.hub, tabId);
  await tab.api.open(tabId, relayOptions(name), cursor);
  tab.api.setInterest(tabId, name, ALL);
  return { ...started, tab };
}

describe("a peer's kept cursor over an owner's session another hub says is numbered", () => {
  // Invariant: every push once in order, or `resync` before the first gap (sim/README.md
  // "Invariants", `gap without resync`). Severity: high where it happens (P's tabs miss what
  // X got after push 3 in silence), rare: three hubs without SharedWorkers, an owner on a
  // session it took from a fresh cursor while another page holds it numbered (the lagging
  // channels of sim/renewed-login-reload-gap.test.ts), and that owner gone before its socket
  // opened; no search or mutant met it. What I saw: O's tab brings S fresh (O takes S, `new`);
  // J's tab brings S numbered (J's join, a new login's, makes O's S `offered`: eb02351); P's
  // tab brings X:3. O answers P's join with S not fresh, so P takes S and tells its tab
  // `cursor S:0` (before, P declined S and kept X, as seed 4601's fix means); O's verdict on
  // X (deferred until its socket opens) dies with O. J takes the lock and resumes S (`held`,
  // `resumed`): P joins J with S:0, and its tab, whose stream was X past 3, hears no `resync`
  // (on the change reverted: "resync" after J's socket opened). NEW with 984399f.
  // Fixed: a new login's join of the owner's session marks it numbered for its resume alone
  // (`WireSession.numberedElsewhere`); the owner's cursor stays fresh until it writes one.
  it('the peer whose tab brought X hears resync once S goes on without its owner', async () => {
    const name = 'review-20d-kept-x';
    const o = await tabWith('build-o', 'tab-o', name, {
      session: 'S',
      seq: 0,
      nextId: 1,
      fresh: true,
    });
    const first = world.latest();
    const j = await tabWith('build-j', 'tab-j', name, {
      session: 'S',
      seq: 0,
      nextId: 1,
      numbered: true,
    });
    await vi.waitFor(() => expect(j.tab.states().at(-1)).toMatch(/^connecting:/));
    const p = await tabWith('build-p', 'tab-p', name, {
      session: 'X',
      seq: 3,
      nextId: 4,
      numbered: true,
    });
    // O answered P's join (its builds name P's).
    await vi.waitFor(() =>
      expect(
        p.tab.events.some((event) => event.kind === 'builds' && event.builds.includes('build-o')),
      ).toBe(true),
    );
    o.kill();
    await vi.waitFor(() => expect(world.latest()).not.toBe(first), { timeout: 5000 });
    const socket = world.latest();
    socket.accept();
    socket.receive(HELLO);
    socket.receive(resumed(0));
    await vi.waitFor(() => expect(p.tab.states().at(-1)).toMatch(/^open:/));
    await vi.waitFor(() => expect(p.tab.events.map((event) => event.kind)).toContain('resync'));
  });
});
