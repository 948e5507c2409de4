/**
 * Review 25q of helper 25m's kept-record change (bbaff54: 9fbb4f5, 6470022, 2bcfd69;
 * `Hub.open`'s `late` spares a rejoin whose cursor's session the live login here `owns`, and
 * `Hub.close` ends no login here it takes for one made after the logout: `isAfter`, by dates
 * and `owns`).
 *
 * Story (one SharedWorker): alice's login in hub a is on S1; the server moved it onto S2 (a
 * `resync` onto a new id, epoch 1). tab-a had not heard the move: its close names S1. Hub a
 * dies in the logout's instant. A page of alice's reloaded in that instant (tab-r: a new login,
 * intent `login`, its pagehide cursor S2@epoch 1) reaches the fresh worker c BEFORE tab-a's
 * re-posted close: there is no record yet, so it starts a login on c from S2 (`#from` = S2,
 * `began` = c's now, after the logout's `at`) and resumes S2. Then tab-a's close (S1, `at`)
 * comes: `isAfter(at, S1)` = `before(at, began) && !owns(S1)` is true (the login started from
 * S2, not S1), so the close ends nothing here and only records S1. S2, the logged-out login's
 * live session, goes on. Then tab-b, alice's other page (restored from the back/forward cache,
 * its cursor S2 and its `since` before the logout), rejoins: not `late`, as the live login
 * `owns` S2, so it joins the logged-out login's stream.
 *
 * Invariant (sim/README.md "Invariants", Logout): no push of the old login reaches a handle of
 * that browser after the logout, unless through a session started after the login ended (S2 was
 * begun before it). Severity: high in effect (alice's pushes go on after logout, to the reloaded
 * page and to tab-b's rejoined handle), narrow (a server move not yet told every tab, a worker
 * death in the logout's instant, a page reloaded in that instant whose open beats the close).
 * What I saw: tab-r's socket resumes S2 and stays open (readyState 1) after the close resolved;
 * tab-b's rejoin answers `connecting`/`open` (joined), not `closed`; a push into S2 then reaches
 * tab-b.
 * NEW with the dated close (isAfter, helper 25a's round) and 25m's `owns`: on 8a4024d (worktree
 * /work/wt/25q-base) `Hub.close` closes whatever login of the name is here, so the close ends
 * the reloaded page's login on S2. The rejoin part is NEW with 25m (before it, a rejoin with
 * `since` before the record's `at` was closed, and its cursor's session ended on the live login).
 * A fix: a login here that started from a cursor of epoch ≥ 1 (a session the server moved some
 * login onto) is not known to be another login than the one a close names; or have a close name
 * every session of its login (the tab's epoch chain), as reviews 24g/24i proposed.
 * Fixed: a rejoin of the login here is exempt from the dates only when that login started
 * after the record came (`LoggedOut.next`): one started before it may be the logged-out one.
 */
import { afterEach, expect, it } from 'vitest';
import { HELLO, NONCE, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
/** The session the server moved alice's login onto. */
const S2 = '0123456789abcdef0123456789abcdef';
const push = (seq: number, user: string) =>
  JSON.stringify({ $ts: 'push', seq, data: { user, n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

it('ends the logged-out login’s moved session when a reloaded page’s open beats the close', async () => {
  const name = 'review-25q-reload-first-owned-session';
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(a.hub, 'tab-b');
  const aliceAt = Date.now();
  await tabA.api.open('tab-a', relayOptions(name), undefined, undefined, 'login', aliceAt);
  tabA.api.setInterest('tab-a', name, ALL);
  const first = world.latest();
  first.accept();
  first.receive(HELLO);
  const S1 = resumeFrameOf(first).session;
  first.receive(JSON.stringify({ $ts: 'resync', nonce: NONCE, seq: 0, session: S2 }));
  await tabB.api.open('tab-b', relayOptions(name), undefined, undefined, 'login', aliceAt + 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const older = { session: S1, seq: 0, nextId: 65 };
  const newer = { session: S2, seq: 0, nextId: 65, epoch: 1 };
  // alice logs out (tab-a's close, naming S1) as hub a dies.
  const at = Date.now();
  a.kill();
  await new Promise((resolve) => setTimeout(resolve, 10));
  const c = world.startHub('build-a');
  // A page reloaded in the logout's instant reaches c first.
  const reloaded = await world.attachTab(c.hub, 'tab-r');
  const sockets = world.sockets.length;
  await reloaded.api.open('tab-r', relayOptions(name), newer, undefined, 'login');
  reloaded.api.setInterest('tab-r', name, ALL);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  const socket = world.sockets[sockets];
  if (!socket) throw new Error('no socket opened');
  socket.accept();
  socket.receive(HELLO);
  const resumes = resumeFrameOf(socket).session;
  socket.receive(resumed(0));
  // tab-a's re-posted close comes next.
  const againA = await world.attachTab(c.hub, 'tab-a', { back: true });
  await againA.api.close('tab-a', name, 1000, '', older.session, at);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // tab-b, restored from the back/forward cache, rejoins with its cursor of S2.
  const againB = await world.attachTab(c.hub, 'tab-b', { back: true });
  const rejoin = await againB.api.open(
    'tab-b',
    relayOptions(name),
    newer,
    undefined,
    'rejoin',
    aliceAt + 1,
  );
  againB.api.setInterest('tab-b', name, ALL);
  const heard = againB.events.length;
  if (socket.readyState === 1) socket.receive(push(1, 'alice'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const pushes = againB.events.slice(heard).filter((event) => event.kind === 'frames').length;
  // Fails here: S2 resumed and left open by the close; the rejoin joins it and hears the push.
  expect({ resumes, open: socket.readyState === 1, rejoin, pushes }).toMatchObject({
    resumes: S2,
    open: false,
    rejoin: { ok: true, value: { state: 'closed' } },
    pushes: 0,
  });
});
