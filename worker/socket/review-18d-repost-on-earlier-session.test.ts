/**
 * Review 18d of 625df6d: `numberingOf` keeps a re-post's id when the fresh hub is on the
 * wire's session, and otherwise names the sessions before and the wire's one
 * (`was`, `also`) under a new id. A fresh hub on a session that is *in* `before` (a tab's
 * older cursor resumed: the worker had switched from it) writes the re-post there under a
 * new id, naming its own session in `was`: the server never checks a copy's own session
 * that way (`SessionRegistry.seenIn`: `other === session` answers undefined), so the first
 * copy of that session, under its own id, is not found.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../protocol/clock';
import type { SocketData, WireId } from '../../protocol/tab-hub';
import { HeardWrites, numberingOf, type WrittenSend } from '../share/tab-send';
import { SendQueue, type SendWriter } from './send-queue';

function writer(): SendWriter & { frames: () => Record<string, unknown>[] } {
  const written: SocketData[] = [];
  return {
    numbered: true,
    write: (data) => written.push(data),
    frames: () => written.map((data) => JSON.parse(data as string)),
  };
}

describe('a re-post to a fresh hub on a session it was written in before', () => {
  // Invariant: each send settles once; resolved = the server's app got it exactly once.
  // Severity: low (the app gets it twice; needs the hub's own switch S1 -> S2 from a tab's
  // newer cursor while S1's copy (#1) was passed on and its ack lost, the worker dying after
  // writing it in S2, the fresh worker resuming S1 (another tab's older cursor), and the
  // server no longer holding S2). What I saw: the tab is told { S2, 1, before: [S1 #1] };
  // on S1, `numberingOf` takes the other-session branch and the fresh hub writes
  // {"$ts":"msg","id":5,"text":"once","was":{S1 #1},"also":[{S2 #1}]} under S1's next id
  // (a fresh hub numbers past the reserved ids, here 5): the server skips `was` (its own
  // session), finds S2 gone, and decides in S1 under #5, never seen: passed on twice.
  // Keeping S1's id (#1) from `before` would let S1 find it. OLDER: before 625df6d the
  // re-post named S2 alone and went under a new S1 id too; 625df6d hands the fresh hub
  // S1 #1 now (`before`) and does not use it for the id. Fixed: `numberingUnder` keeps the
  // id of the last copy written in the fresh hub's session, and names the others.
  it('keeps the id it had in the session the fresh hub is on', () => {
    const writes = new HeardWrites(() => true, systemClock);
    const connection = { cursor: { session: 'S1', seq: 0, nextId: 1 } };
    const told: WrittenSend[] = [];
    const tell = (written: WrittenSend) => told.push(written);
    const dead = new SendQueue();
    dead.add('once', numberingOf({ id: 7 }, 'tab', connection, tell, writes)).catch(() => {});
    dead.flush(writer());
    dead.requeueUnacked({ renumber: true, from: 'S1' });
    connection.cursor = { session: 'S2', seq: 0, nextId: 1 };
    dead.flush(writer());
    const wire = told.at(-1)?.wire as WireId;
    expect(wire).toEqual({ session: 'S2', id: 1, before: [{ session: 'S1', id: 1 }] });
    // The fresh worker resumes S1 from a tab's older cursor, ids reserved up to 5.
    connection.cursor = { session: 'S1', seq: 0, nextId: 5 };
    const fresh = new SendQueue();
    fresh.continueFrom(5);
    fresh
      .add('once', numberingOf({ id: 7, wire }, 'tab', connection, tell, writes))
      .catch(() => {});
    const again = writer();
    fresh.flush(again);
    expect(again.frames()[0]).toMatchObject({ $ts: 'msg', id: 1 });
  });
});
