/**
 * Review 24e of fix 24c (50985a1: da65856, `Hub.#loggedOut`): the record of a logout posted
 * again to a fresh worker is applied to the name's next open there as a logout of that hub
 * (`SharedConnection.close` → `LoginEnds.keep`), which says the hub keeps the lock (or its
 * place) for it: `#claimUntil` is set for good, and the next login's `startLogin` claims it
 * began after the logout (`afterLogout`), for its whole life. But this hub never held the lock
 * nor a place in its queue for that logout: another login may have begun a session (F) first,
 * and a reloaded page's hub with F's cursor then takes the claiming owner's fresh session over
 * F (`RelayPeer.#merged`'s `over`), and misses F's pushes with no `resync`. The shape of
 * after-logout-claim-bound.test.ts (review 20b's), with the logout posted again to o.
 *
 * Story: o0 owns S for tab-o; o0 dies before tab-o's close reached it; tab-o posts it again
 * to the fresh o (no login of the name there: the record, naming S). x's tab logs in (a new
 * login, after the logout): x takes the lock and begins F, push 1. tab-o's app logs in again:
 * o's open takes the record (closed, S ended, `keep`), then starts its login, which claims
 * `afterLogout`. x's page reloads before its hub reads o's join: o takes the lock and begins
 * N; push 2 goes into F meanwhile (the server still has it); x2 comes back with F's cursor at
 * seq 1 and joins o, which announces N with `afterLogout`; o dies before its resume went out;
 * x2 takes the socket and resumes N, not F: push 2 never reaches tab-x, and it gets no resync.
 *
 * Invariant (sim/README.md "Invariants", Delivery): between two pushes heard with no `resync`
 * between, every push of the followed session was heard (`gap without resync`; here the tab
 * moves to N without a resync, push 2 of F lost for it). Severity: medium, as review 20b's
 * (a worker death in the logout's instant, a login in another build's hub, o's next login,
 * and two more deaths); the wrong claim itself lasts for the login's life, not `KNOWN_WITHIN`.
 * What I saw: x2's socket resumes N (`next.session` is not F), and tab-x hears no `resync`.
 * NEW: on 62e711a (no record) o's login claims nothing and x2 resumes F (checked in a
 * worktree; the test passes there).
 * A fix: the record ends the named session without `LoginEnds.keep` (no lock was kept), or
 * keeps the claim to `KNOWN_WITHIN` from the close, as `letGo` bounds it for a reloaded join.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number) => JSON.stringify({ $ts: 'push', seq, data: { n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Fixed: the recorded logout ends its session at the hub (`SharedConnection.endedElsewhere`)
// without `LoginEnds.keep`: this hub never held the lock for that login, and claims nothing.
it('keeps a re-posted logout’s next login from claiming it began after it, once F began', async () => {
  const name = 'review-24e-recorded-logout-claim';
  let oLogsInAgain = false;
  world.hooks.relayReceived = (build, message) => {
    // x's page reloads before its hub reads o's join.
    if (build === 'build-x' && oLogsInAgain && message.kind === 'join') return 'lost';
    return undefined;
  };
  const o0 = world.startHub('build-o');
  const tabO0 = await world.attachTab(o0.hub, 'tab-o');
  await tabO0.api.open('tab-o', relayOptions(name));
  const S = handshake(world.latest()).resume.session;
  o0.kill();
  // tab-o's close, posted again to its fresh worker, names S: recorded there.
  const o = world.startHub('build-o');
  const tabO = await world.attachTab(o.hub, 'tab-o', { back: true });
  await tabO.api.close('tab-o', name, 1000, '', S);
  // x's tab logs in: F.
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
  // tab-o's app logs in again, on o: the record's open.
  oLogsInAgain = true;
  before = world.sockets.length;
  void tabO.api.open('tab-o', relayOptions(name));
  x.kill();
  await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(before));
  const x2 = world.startHub('build-x');
  const tabX2 = await world.attachTab(x2.hub, 'tab-x', { back: true });
  void tabX2.api.open('tab-x', relayOptions(name), { session: F, seq: 1, nextId: 65 });
  tabX2.api.setInterest('tab-x', name, ALL);
  await vi.waitFor(() => expect(tabX2.states()).toContain('connecting:attached'));
  before = world.sockets.length;
  o.kill();
  await vi.waitFor(() => expect(world.sockets.length).toBeGreaterThan(before));
  const next = handshake(world.latest(), 2).resume;
  await vi.waitFor(() => expect(tabX2.states().at(-1)).toBe('open:open'));
  const resumesF = next.session === F && next.last === 1;
  const resynced = tabX2.events.some((event) => event.kind === 'resync');
  // Fails here: x2 resumes N, and tab-x hears no resync.
  expect(resumesF || resynced, JSON.stringify({ F, next })).toBe(true);
});
