/**
 * Review 24g of b9f010f (a re-posted logout's record, `Hub.#loggedOut`, is used up by the
 * name's next open: a `login` open goes on with the named session ended, and only a rejoin
 * joins closed). A record used up by the next user's login leaves nothing for a rejoin of the
 * logged-out login that comes after it: that rejoin joins the next user's login.
 *
 * Story (one SharedWorker, a url the cookie authenticates, the same for every user): hub a
 * holds alice's S1 for tab-a and tab-b; it dies in the logout's instant, and tab-b's close
 * goes to the fresh worker c, which records it (S1) and resolves after 1 s. The app logs bob
 * in through tab-b: c's first open of the name, a `login`, uses up the record (S1 ended) and
 * starts bob's login. tab-a, a page the browser throttled or froze, rejoins c only then, with
 * alice's cursor of S1: the login of the name is live (bob's), so the rejoin joins it
 * (`Hub.open`: `endedMeanwhile` only for a closed one; the cursor is not resumed, S1 ended,
 * and its catch-up is a resync): bob's pushes reach alice's handle.
 *
 * Invariant (sim/README.md "Invariants"): Delivery, no push for another user (`foreign
 * push`); and Logout (alice's handle, which the logout was to close, lives on). Severity:
 * high in effect, narrow (a tab that rejoins more than the logout's second after its worker's
 * death; a page restored from the back/forward cache after a user switch, which rejoins the
 * same way, is the same class).
 * What I saw: the rejoin's answer `state: 'open'`; tab-a's frames include `{ seq: 1, data:
 * { user: 'bob', n: 1 } }`.
 * OLDER: fails the same on 54594ca (b9f010f^: the record closed the first open's connection,
 * but a `login` open started it all the same) and on 62e711a (no record).
 * A fix: a rejoin whose cursor names a session the hub knows ended (the record's, or
 * `LoginEnds.sessions`) joins closed whatever login is live; or the rejoin names the login it
 * continues (the tab's login number) and a hub whose live login is another joins it closed.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

const ALL = { all: true, topics: [] };
const push = (seq: number, user: string) =>
  JSON.stringify({ $ts: 'push', seq, data: { user, n: seq } });

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Fixed: a hub keeps a recorded logout (`Hub.#loggedOut`) past the next open; a rejoin of a
// session it ended, or of a login made before it (the rejoin's `since`, the tab's login time;
// none from an older tab), joins closed whatever login is live, apart from it (`Hub.open`:
// answered `closed`, the tab on no login, nothing of the live one heard).
it('joins a late rejoin of the logged-out login closed, not the next user’s login', async () => {
  const name = 'review-24g-late-rejoin-next-user';
  const a = world.startHub('build-a');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(a.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  tabA.api.setInterest('tab-a', name, ALL);
  const first = handshake(world.latest());
  await tabB.api.open('tab-b', relayOptions(name));
  const cursor = { session: first.resume.session, seq: 0, nextId: 65 };
  // The worker dies in the logout's instant: tab-b's close goes to the fresh worker.
  a.kill();
  const c = world.startHub('build-a');
  const againB = await world.attachTab(c.hub, 'tab-b', { back: true });
  await againB.api.close('tab-b', name, 1000, '', first.resume.session);
  // The app logs bob in (tab-b), after close() resolved.
  const sockets = world.sockets.length;
  await againB.api.open('tab-b', relayOptions(name));
  againB.api.setInterest('tab-b', name, ALL);
  await vi.waitFor(() => expect(world.sockets.length).toBe(sockets + 1));
  const bob = handshake(world.latest());
  // tab-a (a page the browser throttled) rejoins late, with alice's cursor.
  const againA = await world.attachTab(c.hub, 'tab-a', { back: true });
  const answer = await againA.api.open('tab-a', relayOptions(name), cursor, undefined, 'rejoin');
  againA.api.setInterest('tab-a', name, ALL);
  bob.socket.receive(push(1, 'bob'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const bobHeardByAlice = againA.frames().filter((frame) => JSON.stringify(frame).includes('bob'));
  // Fails here: the rejoin joined bob's login ('open'), and heard bob's push 1.
  expect({ answer, bobHeardByAlice }).toMatchObject({
    answer: { ok: true, value: { state: 'closed' } },
    bobHeardByAlice: [],
  });
});
