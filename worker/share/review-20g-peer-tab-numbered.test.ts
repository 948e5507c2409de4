/**
 * Review 20g (an attack on gap2's premise, that a hub learns a cursor of the owner's
 * session numbered elsewhere from a joining hub or from the owner's own tab): a tab that
 * opens on a relaying hub with a numbered cursor of the owner's fresh session. The relaying
 * hub neither joins again (`RelayPeer.resumeFrom`: the cursor is further on than its own)
 * nor tells the owner (`RelayPeer.learn` takes its ids alone), so the owner's resume says
 * no `held`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionCursor } from '../../protocol/tab-hub';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

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

describe("a relaying hub's tab with a numbered cursor of the owner's fresh session", () => {
  // Invariant: every push once in order, or `resync` before the first gap (`gap without
  // resync`). Severity: high where it happens (a push lost in silence), narrow: the owner
  // on a session it took from a fresh cursor while a page holds it numbered (the lagging
  // channels of sim/renewed-login-reload-gap.test.ts), that page's tab opening on another
  // build's SharedWorker (or a second handle's hub) that relays, and a server that names
  // logins across a renewed login (or one that lost S). No death needed.
  // What I saw: O's tab brings S fresh (O takes S, `new`); P's first tab opens with none
  // and P follows O at S:0 fresh; P's second tab opens with S:1 numbered (its page heard
  // S#1). O's resume: `{session: S, last: 0}`, no `held`. The renewed login's server starts S
  // under that id (`resumed` 0) and numbers its next push 1: P passes it to the tab
  // (`frames` seq 1, after `cursor S:0`), but the tab's `StreamCursors` keeps the higher seq
  // of one session (S:1) and drops it as seen; the tab heard no `resync`.
  // OLDER: the same on 8ab6de1 (gap2 did not touch `RelayPeer`).
  // Fixed: a relaying hub whose tab brings a numbered cursor of the owner's fresh session
  // takes `numbered` into its cursor and joins again (`RelayPeer.learn`), so the owner marks
  // it numbered elsewhere and its resume says `held`: the server moves to S2 with `resync`.
  it('the tab whose cursor was S:1 hears resync before the new S#1', async () => {
    const name = 'review-20g-peer-tab-numbered';
    const o = world.startHub('build-o');
    await tabWith(o.hub, 'tab-o', name, { session: 'S', seq: 0, nextId: 1, fresh: true });
    const socket = world.latest();
    const p = world.startHub('build-p');
    const tabP = await tabWith(p.hub, 'tab-p', name);
    await vi.waitFor(() =>
      expect(
        tabP.events.some((event) => event.kind === 'builds' && event.builds.includes('build-o')),
      ).toBe(true),
    );
    const tabP2 = await tabWith(p.hub, 'tab-p2', name, {
      session: 'S',
      seq: 1,
      nextId: 2,
      numbered: true,
    });
    socket.accept();
    socket.receive(HELLO);
    const resume = resumeFrameOf(socket) as ReturnType<typeof resumeFrameOf> & { held?: true };
    // A renewed login's server knows no S of this login: not held, it starts S under its id.
    if (!resume.held) socket.receive(resumed(0));
    else
      socket.receive(JSON.stringify({ $ts: 'resync', nonce: resume.nonce, session: 'S2', seq: 0 }));
    await vi.waitFor(() => expect(tabP.states().at(-1)).toMatch(/^open:/));
    socket.receive(push(1));
    await vi.waitFor(() => expect(tabP.frames().length).toBe(1));
    await vi.waitFor(() => expect(tabP2.frames().length).toBe(1));
    // The tab's client drops a frame at or below the seq of its cursor of that session.
    const first = tabP2.events.find((e) => e.kind === 'frames' || e.kind === 'resync');
    expect(first?.kind).toBe('resync');
  });
});
