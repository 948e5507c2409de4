/**
 * Review 20g (an attack on gap2): review 20d's finding (a peer's kept cursor over an
 * owner's session another hub says is numbered) through a rejoin. gap2 keeps a new login's
 * numbered join from making the owner's session `offered` (`numberedElsewhere`); a rejoin's
 * cursor still goes to `WireLink.learn(cursor, true)`, which does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OpenIntent, SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** A tab of a fresh hub of `build` that opens with `cursor`; resolves once its owner answered. */
async function tabWith(
  build: string,
  tabId: string,
  name: string,
  cursor: SessionCursor,
  intent?: OpenIntent,
) {
  const started = world.startHub(build);
  const tab = await world.attachTab(started.hub, tabId);
  await tab.api.open(tabId, relayOptions(name), cursor, undefined, intent);
  tab.api.setInterest(tabId, name, ALL);
  return { ...started, tab };
}

describe("a peer's kept cursor over an owner's session a rejoining hub says is numbered", () => {
  // Invariant: every push once in order, or `resync` before the first gap (sim/README.md
  // "Invariants", `gap without resync`). Severity: high where it happens, rare (review 20d's
  // premises: three hubs, an owner on a session it took from a fresh cursor while another
  // hub's tabs hold it numbered, that owner gone before its socket opened), here with J's
  // tabs rejoining (their worker died) rather than a new login's.
  // What I saw: review 20d's test with J's open a `rejoin`: O's `RelayOwner` hands J's
  // cursor to `host.learn` → `WireLink.learn(cursor, true)` → `offered()`, so O answers P's
  // join with S not fresh; P takes S and drops X; O dies; J takes the lock and resumes S
  // (`held`, `resumed`); P's tab, whose stream was X past 3, hears no `resync`.
  // OLDER: fails the same on 8ab6de1 (gap2 changed only the new login's path).
  // Fixed: a rejoin's numbered cursor of the owner's session marks it numbered elsewhere,
  // as a new login's does (`WireLink.learn` → `numberedElsewhere`), not `offered`: O keeps
  // announcing S `fresh` (and `numbered`), P keeps X, and J's resume of S is answered while
  // P's join with X gets the verdict `resync`.
  it('the peer whose tab brought X hears resync once S goes on without its owner (J rejoins)', async () => {
    const name = 'review-20g-rejoin-kept-x';
    const o = await tabWith('build-o', 'tab-o', name, {
      session: 'S',
      seq: 0,
      nextId: 1,
      fresh: true,
    });
    const first = world.latest();
    const j = await tabWith(
      'build-j',
      'tab-j',
      name,
      { session: 'S', seq: 0, nextId: 1, numbered: true },
      'rejoin',
    );
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
