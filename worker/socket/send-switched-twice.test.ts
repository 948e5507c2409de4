/**
 * Review 15 (attacks on 07cfb43…92ff63a, `was`): a send whose session switches twice before
 * its ack. Invariant: each send settles once, resolved = the server's app got it exactly once.
 */
import { describe, expect, it } from 'vitest';
import type { SocketData } from '../../protocol/tab-hub';
import { SendQueue, type SendWriter } from './send-queue';

function writer(): SendWriter & { frames: () => unknown[] } {
  const written: SocketData[] = [];
  return {
    numbered: true,
    write: (data) => written.push(data),
    frames: () => written.map((data) => JSON.parse(data as string)),
  };
}

/** A tab that confirms its send's id at once, except on its second ask (never answered). */
function slowOnSecondAsk() {
  const asked: number[] = [];
  const confirm = (id: number) => {
    asked.push(id);
    return asked.length === 2 ? new Promise<void>(() => {}) : Promise.resolve();
  };
  return { asked, confirm };
}

describe('SendQueue: a send switched twice before its ack', () => {
  // Severity: medium (a resolved send reaches the app twice; needs a session switch, a resume
  // of the next session with the tab slow to answer `heard`, its socket down, and a cursor of
  // a newer epoch). New with 07cfb43's `was` (before it the third copy went on as a new
  // message too, so the duplicate is older; new is the `was` that names a session which
  // never had the message, drops the one that did, and records an id there that it never
  // wrote). Mechanism: `requeueUnacked` marks the unacked message `written` and never clears
  // it; asked about under S2 (`#ask` gives it S2's id 1, its tab has not confirmed, so it is
  // not written there), it is requeued from S2 with `written` still true from S1: `was`
  // becomes {S2, 1}. The server checks S2 (never saw it) and passes on the copy S1 passed on.
  // Fixed: a renumbered message keeps the first session it may have been written in (`was`),
  // which every later copy names and the server records as it checks (`requeueUnacked`).
  it('names the session it was written in, not one where it was only asked about', async () => {
    const queue = new SendQueue();
    const tab = slowOnSecondAsk();
    queue.add('once', { confirm: tab.confirm }).catch(() => {});
    const s1 = writer();
    queue.flush(s1); // asks about S1's id 1; the tab confirms
    await Promise.resolve();
    queue.flush(s1);
    expect(s1.frames()).toEqual([{ $ts: 'msg', id: 1, text: 'once' }]);
    // The S1 socket drops before the ack; a cursor of a newer session comes (S2).
    queue.requeueUnacked({ renumber: true, from: 'S1' });
    const s2 = writer();
    queue.flush(s2); // asks about S2's id 1: the tab does not answer before S2's socket drops
    await Promise.resolve();
    expect(tab.asked).toEqual([1, 1]);
    expect(s2.frames()).toEqual([]);
    // A cursor of a newer session again (S3), while S2's socket is down.
    queue.requeueUnacked({ renumber: true, from: 'S2' });
    const s3 = writer();
    queue.flush(s3);
    await Promise.resolve();
    queue.flush(s3);
    expect(tab.asked).toEqual([1, 1, 1]);
    // S2 never had it; S1 passed it on. Named S2, the server checks S2 and passes it on again.
    expect(s3.frames()).toEqual([
      { $ts: 'msg', id: 1, text: 'once', was: { session: 'S1', id: 1 } },
    ]);
  });

  // Severity: low-medium (a resolved send reaches the app twice; needs two switches before an
  // ack, the first copy reaching the server, the second lost with its socket). The duplicate
  // is older than 07cfb43; `was` fixes it for one switch but holds one origin only.
  // Mechanism: written under S1 (the server passes it on, the ack is lost), then under S2 as
  // {id 1, was S1:1} (lost with S2's socket), then under S3: `requeueUnacked` replaces `was`
  // with {S2, 1}; the server checks S2 alone, which never saw it, and passes it on again.
  // Fixed: a renumbered message keeps the first session it may have been written in (`was`),
  // which every later copy names and the server records as it checks (`requeueUnacked`).
  it('names every session it may have been written in, not the last one only', () => {
    const queue = new SendQueue();
    queue.add('once').catch(() => {});
    queue.flush(writer());
    queue.requeueUnacked({ renumber: true, from: 'S1' });
    const s2 = writer();
    queue.flush(s2);
    expect(s2.frames()).toEqual([
      { $ts: 'msg', id: 1, text: 'once', was: { session: 'S1', id: 1 } },
    ]);
    queue.requeueUnacked({ renumber: true, from: 'S2' });
    const s3 = writer();
    queue.flush(s3);
    const [frame] = s3.frames() as { was: unknown }[];
    expect(JSON.stringify(frame?.was)).toContain('"S1"');
  });

  // Review 16 (server/sessions/was-first-session-lost.test.ts): naming the first session
  // alone checks nothing once the server lost it (a restart, `maxAge`), though it holds the
  // second. Fixed: the sessions after the first go in `also`, the latest `MAX_ALSO`.
  it('names the sessions after the first in `also`, the latest four', () => {
    const queue = new SendQueue();
    queue.add('once').catch(() => {});
    queue.flush(writer());
    for (const session of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6']) {
      queue.requeueUnacked({ renumber: true, from: session });
      queue.flush(writer());
    }
    queue.requeueUnacked({ renumber: true, from: 'S7' });
    const s8 = writer();
    queue.flush(s8);
    expect(s8.frames()).toEqual([
      {
        $ts: 'msg',
        id: 1,
        text: 'once',
        was: { session: 'S1', id: 1 },
        also: ['S4', 'S5', 'S6', 'S7'].map((session) => ({ session, id: 1 })),
      },
    ]);
  });
});
