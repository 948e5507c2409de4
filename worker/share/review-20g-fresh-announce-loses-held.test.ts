/**
 * Review 20g (an attack on gap2: an owner told by a new login's join that its session is
 * numbered elsewhere keeps announcing it `fresh` until it writes a resume itself). A peer
 * that joins after that takes the session fresh; should the owner die before its resume,
 * that peer takes the socket and resumes it without `held` unless the numbered hub's join
 * reaches it first.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
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

/** A tab of a fresh hub of `build` that opens with `cursor` (or none) and wants every topic. */
async function tabWith(build: string, tabId: string, name: string, cursor?: SessionCursor) {
  const started = world.startHub(build);
  const tab = await world.attachTab(started.hub, tabId);
  await tab.api.open(tabId, relayOptions(name), cursor);
  tab.api.setInterest(tabId, name, ALL);
  return { ...started, tab };
}

describe("a peer that took the owner's session fresh after a numbered join", () => {
  // Invariant: every push once in order, or `resync` before the first gap (sim/README.md
  // "Invariants", `gap without resync`). Severity: high where it happens (a push lost in
  // silence), rare: three hubs without SharedWorkers, the owner on a session it took from a
  // fresh cursor while another page holds it numbered (the lagging channels of
  // sim/renewed-login-reload-gap.test.ts), a server that names logins (the renewed login's
  // server knows no such session), the owner dead before its socket opened, and the
  // numbered hub's join to the next owner late (a lagging channel) past its resume.
  // What I saw: O's tab brings S fresh (O takes S, `new`); J's tab brings S:1 numbered
  // (J's join, a new login's, marks O's S numbered elsewhere, but O's cursor stays fresh:
  // gap2); P's tab brings nothing, and P takes O's announced cursor, S fresh. J's page
  // reloads (its next hub, J2, queues for the lock behind P and joins O with the saved S:1).
  // O dies; P takes the lock and writes its resume of S with no `held` (J2's join to P not
  // read yet: held back here, as a lagging channel does);
  // the server starts S anew under that id (`resumed` 0) and numbers its first push 1;
  // J2, following P at S:1, drops it as seen: its tab hears push 2 with no push 1 and no
  // `resync` before it (the test's last expect).
  // On 8ab6de1 J's join made O's S `offered`, P took it numbered, its resume said `held`,
  // and the server would start a new id with `resync`. NEW with gap2 (it passes on 8ab6de1;
  // it fails on 984399f^, where no join's cursor made the owner's resume `held`: gap2 gives
  // back, for a peer that joins after the numbered join, what 984399f had closed). A server
  // that lost S (a restart without its sessions) answers the same way as the renewed
  // login's, whichever it names.
  // Fixed: an owner's cursor says `numbered` beside `fresh` once a hub or tab told it the
  // session is numbered elsewhere (`WireLink.cursor`, told at once), and a hub that takes a
  // session from such a cursor resumes it `held` (`WireLink.#takeSession`): P's resume says
  // `held`, and the server moves to a new id with `resync`.
  it("the numbered hub's tab hears push 1 or a resync", async () => {
    const name = 'review-20g-fresh-announce';
    const o = await tabWith('build-o', 'tab-o', name, {
      session: 'S',
      seq: 0,
      nextId: 1,
      fresh: true,
    });
    const before = world.latest();
    const j = await tabWith('build-j', 'tab-j', name, {
      session: 'S',
      seq: 1,
      nextId: 2,
      numbered: true,
    });
    await vi.waitFor(() =>
      expect(
        j.tab.events.some((event) => event.kind === 'builds' && event.builds.includes('build-o')),
      ).toBe(true),
    );
    const p = await tabWith('build-p', 'tab-p', name);
    await vi.waitFor(() =>
      expect(
        p.tab.events.some((event) => event.kind === 'builds' && event.builds.includes('build-o')),
      ).toBe(true),
    );
    // J's page reloads: its next hub (in the lock's queue behind P) joins with the saved cursor.
    j.kill();
    const j2 = await tabWith('build-j', 'tab-j2', name, {
      session: 'S',
      seq: 1,
      nextId: 2,
      numbered: true,
    });
    await vi.waitFor(() =>
      expect(
        j2.tab.events.some((event) => event.kind === 'builds' && event.builds.includes('build-o')),
      ).toBe(true),
    );
    // J's joins to P wait (a lagging channel) until P wrote its resume.
    const late: RelayMessage[] = [];
    world.hooks.relayReceived = (build, message) => {
      if (build !== 'build-p' || message.kind !== 'join' || message.cursor?.session !== 'S') {
        return undefined;
      }
      if (message.cursor.seq !== 1) return undefined;
      late.push(message);
      return 'lost';
    };
    o.kill();
    await vi.waitFor(() => expect(world.latest()).not.toBe(before), { timeout: 5000 });
    const socket = world.latest();
    socket.accept();
    socket.receive(HELLO);
    const resume = resumeFrameOf(socket) as ReturnType<typeof resumeFrameOf> & { held?: true };
    expect(late).toHaveLength(1);
    delete world.hooks.relayReceived;
    world.deliver(name, late, 'build-p');
    // A renewed login's server knows no S of this login: not held, it starts S under its id.
    if (!resume.held) socket.receive(resumed(0));
    else
      socket.receive(JSON.stringify({ $ts: 'resync', nonce: resume.nonce, session: 'S2', seq: 0 }));
    await vi.waitFor(() => expect(p.tab.states().at(-1)).toMatch(/^open:/));
    await vi.waitFor(() => expect(j2.tab.states().at(-1)).toMatch(/^open:/));
    socket.receive(push(1));
    socket.receive(push(2));
    await vi.waitFor(() => expect(p.tab.frames().length).toBe(2));
    // J's tab: push 1 (seq 1 of the new S), or a resync before push 2.
    await vi.waitFor(() =>
      expect(j2.tab.events.some((e) => e.kind === 'frames' || e.kind === 'resync')).toBe(true),
    );
    await vi.waitFor(() => expect(j2.tab.frames().length).toBeGreaterThan(0));
    // On gap2: J's tab hears only push 2, with no resync before it.
    const first = j2.tab.events.find((e) => e.kind === 'frames' || e.kind === 'resync');
    const heard = j2.tab.frames().map((frame) => frame.seq);
    expect(first?.kind === 'resync' || heard[0] === 1).toBe(true);
  });
});
