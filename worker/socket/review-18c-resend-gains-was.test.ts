/**
 * Review 18c of 62f7b5f: `SendQueue.unackedFrames` builds each resent frame again
 * (`#frameOf`) rather than resend the frame written. Where the limit went up since the
 * write (the next socket's hello), a frame written without `was` goes with it: the server
 * then decides the resend in the session `was` names, not in the one that decided the
 * first reading (review 18c showed it on the server: passed on twice; the frames it sent
 * are no longer written, protocol/wire.ts `MessageFrame`).
 */
import { describe, expect, it } from 'vitest';
import type { SocketData } from '../../protocol/tab-hub';
import { SendQueue, type SendWriter } from './send-queue';

function writer(): SendWriter & { frames: () => string[] } {
  const written: SocketData[] = [];
  return { numbered: true, write: (data) => written.push(data), frames: () => written.map(String) };
}

const S1 = 'a'.repeat(32);

describe('SendQueue: a frame written without `was`, resent after the limit went up', () => {
  // Invariant: each send settles once; resolved = the server's app got it exactly once.
  // Severity: low-medium (the app gets it twice). What I saw: the
  // frame written on s2 is {"$ts":"msg","id":1,"text":"once"}; after the limit rose,
  // `unackedFrames()` resends it with `was` s1:1. NEW with 62f7b5f (before, the resend was
  // `message.frame`, as written). A resend that names no session the written frame did not
  // (dropping only) would keep the first reading's decider.
  // Fixed: a resend names no more than the frame written (`SendQueue` keeps what it `named`).
  it('resends no session the written frame did not name', () => {
    const queue = new SendQueue();
    void queue.add('once').catch(() => {});
    queue.flush(writer());
    queue.requeueUnacked({ renumber: true, from: S1 });
    const bare = JSON.stringify({ $ts: 'msg', id: 1, text: 'once' });
    // The limit of s2's socket: the frame fits without `was`, not with it.
    queue.maxPayload = bare.length + 10;
    const s2 = writer();
    queue.flush(s2);
    expect(s2.frames()).toEqual([bare]);
    // Its socket drops before the ack; the next one's hello says a higher limit.
    queue.maxPayload = 1 << 20;
    expect(queue.unackedFrames()).toEqual([bare]);
  });
});
