/**
 * Review 23d of d6d1806: its two changes meet. An owner leaves a session it resumed unheld
 * once a numbered cursor names a push past the server's head (`WireLink.#ambiguous`, review
 * 22c's late join): every tab is told `resync` and the login goes on under a fresh S3. Its
 * relaying hubs decline S3's fresh cursor (`RelayPeer.#merged` keeps their tabs' cursor over
 * an owner's fresh session) and hold back the cursor the owner tells as it writes S3's resume
 * (`RelayPeer.#moved`: a newer epoch, taken with the owner's next word). Should the owner die
 * before that word (a quiet stream: no push yet), the hub that takes the lock resumes S1 from
 * its own cursor, `held`, and the renewed login's server, which started S1 anew under its id,
 * resumes it: the late joiner's tabs, at S1:5 of the old stream, drop the pushes 2–5 of the
 * new one as seen. Review 22c's loss, after the resync that was to cover it.
 *
 * Invariant: after a `resync`, every push of the followed stream made after it (`gap after
 * resync`, sim/README.md "Invariants"). Severity: high where it happens (pushes lost in
 * silence), narrow: a renewed login's late numbered join (22c's world), then the owner's
 * death between its new session's resume and its first push.
 *
 * What happens: hub a owns the socket, its resume of S1 unheld, answered at 0; p1 reaches
 * tab-a and tab-b (hub b, build b). tab-c opens on hub c with S1:5, numbered (a reloaded page
 * of an earlier owner's stream): a leaves S1 for S3 (`#ambiguous`), tab-b hears `resync`,
 * tab-c the verdict's `resync` on its join; both hubs keep S1 (S3 fresh). a's next socket
 * resumes S3 (answered at 0): b and c hold back its cursor. a dies; b takes the lock and
 * writes `resume S1, last 1, held` (the test's server answers as the renewed login's would:
 * `resumed` at 1, then S1#2–#6); tab-c hears only S1#6.
 *
 * OLDER in its loss: on f4acb22 (no `#ambiguous`) a never leaves S1 and tab-c loses the same
 * pushes the way review 22c found (this test fails there at its first wait). NEW in its path:
 * without `#moved`, b took S3's cursor with a's resume and resumed S3. A fix: take a held
 * cursor as the hub's own for a takeover (a hub that takes the lock resumes the newest
 * session its owner told it), or make a session left by `#ambiguous` unresumable (`leave`).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, resumeFrameOf } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';
import { lateJoiner, renewedServerPushes, unheldOwner } from '../test-support/left-id';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

// Fixed: a relaying hub takes the fresh session its owner left its tabs' session for, when
// the owner's resync follows its cursor (`RelayPeer.#takeCursor` with `over`): the next owner
// resumes that session, never the id left.
it('tells the late joiner’s tabs every push after its resync when the owner dies before S3’s first', async () => {
  const name = 'r23d-held-cursor-owner-dies';
  const options = relayOptions(name, { reconnect: { minDelay: 5, maxDelay: 5, jitter: 0 } });
  const { a, s1 } = await unheldOwner(world, options, { withPeer: true });

  // A page of an earlier owner's S1 stream comes back: a leaves S1 for S3.
  const { tab: tabC } = await lateJoiner(world, options, s1);
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  const second = world.latest();
  second.accept();
  second.receive(HELLO);
  expect(resumeFrameOf(second).session).not.toBe(s1);
  second.receive(resumed(0));
  await vi.waitFor(() => expect(tabC.events.some((event) => event.kind === 'resync')).toBe(true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const told = tabC.events.length;

  // a dies before S3's first push; b takes the lock.
  a.kill();
  await vi.waitFor(() => expect(world.sockets).toHaveLength(3));
  const pushed = renewedServerPushes(world.latest(), s1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  // tab-c hears every push made after its resync, or another resync.
  const after = tabC.events.slice(told);
  const heard = after.flatMap((event) =>
    event.kind === 'frames' ? event.frames.map((frame) => frame.seq) : [],
  );
  if (!after.some((event) => event.kind === 'resync')) expect(heard).toEqual(pushed);
});
