/**
 * Fix 22c (review 20g's renewed-login class): an owner told by a join that its fresh session
 * is numbered elsewhere tells its cursor at once, `fresh` and `numbered`, so that a peer that
 * took the session fresh before that join resumes it `held` should the owner die before its
 * socket opened (review-20g-fresh-announce-loses-held.test.ts has the peer that joins after).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/** A tab of a fresh hub of `build` that opens with `cursor` (or none) and wants every topic. */
async function tabWith(build: string, tabId: string, name: string, cursor?: SessionCursor) {
  const started = world.startHub(build);
  const tab = await world.attachTab(started.hub, tabId);
  await tab.api.open(tabId, relayOptions(name), cursor);
  tab.api.setInterest(tabId, name, ALL);
  return { ...started, tab };
}

describe('a peer that took the owner’s fresh session before a numbered join', () => {
  // What it guards: every push once in order, or `resync` before the first gap. Without the
  // owner's cursor told on the numbered join, P (following O at S fresh) takes the socket as
  // O dies before its socket opened and resumes S with no `held` when J's join to P comes
  // late (a lagging channel): a renewed login's server starts S anew under its id, and J's
  // tabs, at S:1, drop its first push as seen.
  it("resumes the session `held`, J's join to it late", async () => {
    const name = 'review-22c-numbered-told';
    const o = await tabWith('build-o', 'tab-o', name, {
      session: 'S',
      seq: 0,
      nextId: 1,
      fresh: true,
    });
    const before = world.latest();
    const p = await tabWith('build-p', 'tab-p', name);
    await vi.waitFor(() =>
      expect(
        p.tab.events.some((event) => event.kind === 'builds' && event.builds.includes('build-o')),
      ).toBe(true),
    );
    // J's joins to P wait (a lagging channel) until P wrote its resume.
    const late: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-p' || message.kind !== 'join') return undefined;
      late.push(message);
      return 'lost';
    };
    await tabWith('build-j', 'tab-j', name, { session: 'S', seq: 1, nextId: 2, numbered: true });
    // O answered J's join: P heard the builds it tells after (its cursor too, if told).
    await vi.waitFor(() =>
      expect(
        p.tab.events.some((event) => event.kind === 'builds' && event.builds.includes('build-j')),
      ).toBe(true),
    );
    o.kill();
    await vi.waitFor(() => expect(world.latest()).not.toBe(before), { timeout: 5000 });
    const socket = world.latest();
    socket.accept();
    socket.receive(HELLO);
    const resume = resumeFrameOf(socket) as ReturnType<typeof resumeFrameOf> & { held?: true };
    expect(late.length).toBeGreaterThan(0);
    delete world.hooks.relayReceived;
    expect(resume).toMatchObject({ session: 'S', held: true });
  });
});
