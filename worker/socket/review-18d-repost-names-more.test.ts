/**
 * Review 18d of 625df6d and d18633f: a resend names no more sessions than the frame written
 * (d18633f, `Written.named`), but the tab is told `before` from the message's `was` and
 * `also` (`writtenBefore`), not from what its frame named. A frame written without `was`
 * (it did not fit the limit then) tells its tab `before: [S1]`; when the worker dies, the
 * fresh hub on that session writes the re-post naming S1: the case review 18c closed for a
 * resend, open again through a worker's death.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../protocol/clock';
import type { SocketData, WireId } from '../../protocol/tab-hub';
import { HeardWrites, numberingOf, type WrittenSend } from '../share/tab-send';
import { SendQueue, type SendWriter } from './send-queue';

function writer(): SendWriter & { frames: () => string[] } {
  const written: SocketData[] = [];
  return { numbered: true, write: (data) => written.push(data), frames: () => written.map(String) };
}

const S1 = 'a'.repeat(32);
const S2 = 'b'.repeat(32);

describe('a frame written without `was`, its worker dead before the ack', () => {
  // Invariant: each send settles once; resolved = the server's app got it exactly once.
  // Severity: low (the app gets it twice; needs `was` dropped to fit the limit in S2, as
  // the worker had lowered it after a 1009 close (`#closedFor`, lost with the worker), the
  // S1 copy unread by the server, the S2 copy passed on and its ack lost, and the worker
  // dying). What I saw: the S2 frame is {"$ts":"msg","id":1,"text":"once"}, the tab is told
  // { session: S2, id: 1, before: [S1 #1] }, and the fresh hub (the hello's higher limit)
  // writes {"$ts":"msg","id":1,"text":"once","was":{S1 #1}}: the server decides it in S1,
  // which never saw #1, not in S2, which passed the first copy on: passed on twice.
  // NEW with 625df6d (`onNumbered(id, writtenBefore(message))`), against d18633f's rule
  // ("a frame sent again names no more of them than it did"). Telling the tab what the frame
  // named (`named`) would keep it. Fixed: `onNumbered` is told what the frame names.
  it('writes the re-post naming no session the written frame did not', () => {
    const writes = new HeardWrites(() => true, systemClock);
    const connection = { cursor: { session: S1, seq: 0, nextId: 1 } };
    const told: WrittenSend[] = [];
    const tell = (written: WrittenSend) => told.push(written);
    const dead = new SendQueue();
    dead.add('once', numberingOf({ id: 7 }, 'tab', connection, tell, writes)).catch(() => {});
    dead.flush(writer());
    dead.requeueUnacked({ renumber: true, from: S1 });
    connection.cursor = { session: S2, seq: 0, nextId: 1 };
    const bare = JSON.stringify({ $ts: 'msg', id: 1, text: 'once' });
    // The limit the dead worker had learnt (a 1009 close): the frame fits without `was` only.
    dead.maxPayload = bare.length + 10;
    const s2 = writer();
    dead.flush(s2);
    expect(s2.frames()).toEqual([bare]);
    // The worker dies before the ack; the tab posts the send again with what it was told.
    const wire = told.at(-1)?.wire as WireId;
    const fresh = new SendQueue();
    fresh
      .add('once', numberingOf({ id: 7, wire }, 'tab', connection, tell, writes))
      .catch(() => {});
    const again = writer();
    fresh.flush(again);
    expect(again.frames()).toEqual([bare]);
  });
});
