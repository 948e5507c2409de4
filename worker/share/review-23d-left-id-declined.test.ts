/**
 * Review 23d of d6d1806, the second path to the left id (see review-23d-held-cursor-owner-dies
 * and sim/review-23d-left-id-resumed): an owner leaves S1 for a fresh S3 on a numbered
 * cursor past the server's head (`WireLink.#ambiguous`, review 22c's late join) and dies
 * before S3's resume goes out (in its backoff). Its relaying hubs declined S3's fresh cursor
 * (`RelayPeer.#merged`: their tabs' cursor of another session stays the one to resume,
 * should the owner go before it writes one, seed 4601), so the hub that takes the lock
 * resumes S1, `held`, from its own cursor; the renewed login's server, which started S1 anew
 * under its id, resumes it, and the late joiner's tabs (S1:5 of the old stream) drop its
 * pushes 2–5 as seen, with no resync: the owner's verdict on their join waited for its socket
 * to open, and the resync it broadcast as it left S1 reached a hub that followed no owner yet.
 * No `#moved` here: S3's resume never went out.
 *
 * Invariant: every push once in order, or a `resync` before the first gap (`gap without
 * resync`, sim/README.md "Invariants"). Severity: high where it happens (pushes lost in
 * silence), narrow (review 22c's world, then the owner's death within its backoff). The
 * simulation met it with the server saying `resync` to that resume (mutant 45 of the 500 of
 * review 22c's plan with worker deaths: "129 kill b1/worker:build-a#5", "152 b1 resume S2",
 * "153 b1 told resync": a spurious resync there, not a loss).
 *
 * OLDER in its loss (on f4acb22 the owner never leaves S1: review 22c's loss, and this test
 * fails there at its first wait); the path is NEW with d6d1806. A fix: the id `#ambiguous`
 * left is one no hub of the login may resume: told with the resync (as a logout's `ended`
 * sessions are), or the relaying hubs take the fresh session that replaces it over their
 * tabs' cursor of the id left.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { lateJoiner, renewedServerPushes, unheldOwner } from '../test-support/left-id';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Fixed: the fresh session the owner left for, with a resync, is no longer declined for the
// tabs' cursor of the left id (`RelayPeer.#merged`'s `over`).
it('never resumes the id an owner left when it dies before the new session’s resume', async () => {
  const name = 'r23d-left-id-declined';
  const options = relayOptions(name, {
    reconnect: { minDelay: 60_000, maxDelay: 60_000, jitter: 0 },
  });
  const { a, b, s1 } = await unheldOwner(world, options, { withPeer: true });

  // A page of an earlier owner's S1 stream comes back: a leaves S1 for S3, in backoff.
  const { tab: tabC } = await lateJoiner(world, options, s1);
  await vi.waitFor(() => expect(b?.tab.events.some((event) => event.kind === 'resync')).toBe(true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  // tab-c's verdict waits for a's socket to open; it heard nothing of S1 yet.
  expect(tabC.frames()).toEqual([]);

  // a dies before its next socket; b takes the lock.
  a.kill();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const pushed = renewedServerPushes(world.latest(), s1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  // tab-c hears every push made since it opened, or a resync.
  const heard = tabC.frames().map((frame) => frame.seq);
  if (!tabC.events.some((event) => event.kind === 'resync')) expect(heard).toEqual(pushed);
});
