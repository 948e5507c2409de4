/**
 * Review 19b of 703867c: a re-post that names its own first copy in `was`, in a frame cut to
 * fit `maxPayload`, and what its tab is told of where it was written.
 */
import { expect, it } from 'vitest';
import type { SocketData, WireId } from '../../protocol/tab-hub';
import { SendQueue, type SendWriter } from '../socket/send-queue';
import { numberingUnder, wireOf } from './tab-send';

function writer(): SendWriter & { frames: () => string[] } {
  const written: SocketData[] = [];
  return { numbered: true, write: (data) => written.push(data), frames: () => written.map(String) };
}

// Invariant: resolved = the app got it exactly once (docs/design.md "Delivery guarantees");
// a fresh hub on a session the send was written in keeps that copy's id (review 18d), so
// that the server's own record of that session dedupes it.
// Severity: low (a send within ~40 bytes of `maxPayload`, written S #3, then T #1, then again
// on S by a fresh hub that resumed S's cursor, then on T again by one that resumed T's; the
// server no longer holds S, e.g. expired past `replay.maxAge`: docs/delivery-limitations.md
// allows twice for a frame cut to fit, but here the cut frame did not need to lose T).
// Story: the S re-post is {S, 3, was S3, also [T1]}; with `also` it does not fit, so it goes
// as {S, 3, was S3} (`also` dropped first), and the tab is told what the frame named:
// before [S3]. Its own copy takes `was`, which the server reads as no `was` at all (decided
// at S3 by its own record), and T1 is forgotten.
// What I saw: the tab's wire is {S, 3, before [S3]}; a fresh hub that resumes T's cursor
// writes it under a new id of T (no `id`), naming S3 alone. With S gone on the server, the
// T #1 copy and this one are each decided by their own id in T: both reach the app.
// NEW with 703867c: before it the S copy was {S, 3, was T1}, the same length, which fit: the
// tab was told before [T1], and the T re-post kept T #1 (the server's T record dedupes it).
// Suggested fix: a frame whose own first copy is its `was` names nothing more for the
// server (its own record decides), so it can go without `was`/`also` (plain {S, 3}) and the
// tab still be told the whole list; or, cut, `also` is kept in what the tab is told.
// Fixed: a cut frame that still names every copy before its own tells its tab all of them.
it('keeps the id of its T copy after a cut frame that named its own S copy', () => {
  const numbering = numberingUnder({ session: 'T', id: 1, before: [{ session: 'S', id: 3 }] }, 'S');
  expect(numbering).toMatchObject({
    id: 3,
    was: { session: 'S', id: 3 },
    also: [{ session: 'T', id: 1 }],
  });
  const fits = JSON.stringify({ $ts: 'msg', id: 3, text: 'x', was: { session: 'S', id: 3 } });
  const queue = new SendQueue(fits.length);
  let told: WireId | undefined;
  queue
    .add('x', {
      ...numbering,
      onNumbered: (id, before) => {
        told = wireOf('S', id, before);
      },
    })
    .catch(() => {});
  const onS = writer();
  queue.flush(onS);
  expect(onS.frames()).toEqual([fits]);
  // The hub on S dies before the ack; its tab posts the send to a fresh hub on T.
  const onT = numberingUnder(told, 'T');
  expect(onT.id).toBe(1);
});
