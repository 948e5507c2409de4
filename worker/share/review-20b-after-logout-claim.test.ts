/**
 * Review 20b, an attack on 561ad92 (`LoginEnds` `'logout'`: a hub's next login after its own
 * logout says `afterLogout` also when the hub let go of the lock for another's join first).
 *
 * Invariant: every push once in order, or a `resync` before the first gap (sim/README.md
 * "Invariants", Delivery: `gap without resync`). Severity: medium (a push lost in silence
 * for a page reloaded in the instant; it takes two deaths: the page whose hub owned the
 * session, and the owner after it before it wrote a resume).
 *
 * What I saw: o owns S and its tab logs out (o keeps the lock, dormant). x's new login wakes
 * it: o lets go, x takes the lock and begins F (resumed; push 1 heard). o's tab logs in
 * again: o's join goes to x, and x's page reloads before x reads it (x's hub dies). o takes
 * the lock with no cursor and begins a fresh session N; with 561ad92 it says `afterLogout`,
 * though F began after the logout and before o's login. x's next page (x2) comes back with
 * F's cursor (seq 1; push 2 went into F meanwhile) and joins o: `RelayPeer.#merged` drops
 * F for N, fresh, as the cursor of a login that ended (review 14's rule). o dies before it
 * wrote a resume of N (no verdict on x2's join): x2 takes the lock on N's cursor and begins
 * a new session (`resume` of N at last 0, not held). x2's tab is told the new session and no
 * `resync`; push 2 of F is lost in silence. On 29e7b91 x2 keeps F over N (seed 4601's rule:
 * the owner may go before it writes a resume) and resumes F at last 1, `held`: the server
 * replays push 2.
 *
 * NEW with 561ad92 (the test holds on 29e7b91).
 *
 * Suspected cause: `startLogin` turns `'logout'` into `'after-logout'` whatever happened
 * since; after the hub let go for another's join, another login's session (F) may have
 * begun, so "no session began since but this login's" no longer holds. `letGo` for a join
 * of a login other than this hub's could clear `'logout'` (as before 561ad92) unless the
 * joiner's cursor is one the logout ended, or the owner that took the lock could hand on
 * its own claim (its `leaving`) rather than each hub remembering its own logout.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

describe('the next login of a hub that let go after its logout for another’s join', () => {
  // Fixed: a hub that lets go for another's join gives up its claim (`LoginEnds.letGo`),
  // unless the join brought a cursor the logout ended, and then for `KNOWN_WITHIN` only.
  it('leaves a reloaded page the live session it brought, or tells it resync', async () => {
    const name = 'review-20b-after-logout-claim';
    let oLogsInAgain = false;
    world.hooks.relayReceived = (build, message) => {
      // x's page reloads before its hub reads o's join.
      if (build === 'build-x' && oLogsInAgain && message.kind === 'join') return 'lost';
      return undefined;
    };
    const o = world.startHub('build-o');
    const tabO = await world.attachTab(o.hub, 'tab-o');
    await tabO.api.open('tab-o', relayOptions(name));
    handshake(world.latest());
    await tabO.api.close('tab-o', name, 1000, '');
    const x = world.startHub('build-x');
    const tabX = await world.attachTab(x.hub, 'tab-x');
    let before = world.sockets.length;
    void tabX.api.open('tab-x', relayOptions(name));
    tabX.api.setInterest('tab-x', name, ALL);
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(before));
    const { socket, resume } = handshake(world.latest());
    const F = resume.session;
    socket.receive(push(1));
    await vi.waitFor(() => expect(tabX.frames()).toHaveLength(1));
    oLogsInAgain = true;
    before = world.sockets.length;
    void tabO.api.open('tab-o', relayOptions(name));
    x.kill();
    // o takes the lock and begins N; no handshake yet.
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(before));
    const x2 = world.startHub('build-x');
    const tabX2 = await world.attachTab(x2.hub, 'tab-x', { back: true });
    // Push 2 went into F while no socket was on it: x2's tab saved seq 1.
    void tabX2.api.open('tab-x', relayOptions(name), { session: F, seq: 1, nextId: 65 });
    tabX2.api.setInterest('tab-x', name, ALL);
    await vi.waitFor(() => expect(tabX2.states()).toContain('connecting:attached'));
    before = world.sockets.length;
    o.kill();
    await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(before));
    const next = handshake(world.latest(), 2).resume;
    await vi.waitFor(() => expect(tabX2.states().at(-1)).toBe('open:open'));
    // Either F is resumed after push 1 (the server replays push 2), or the tab hears resync.
    const resumesF = next.session === F && next.last === 1;
    const resynced = tabX2.events.some((event) => event.kind === 'resync');
    expect(resumesF || resynced, JSON.stringify(next)).toBe(true);
  });
});
