/**
 * Review 18b (an attack on e20bf84: a renumbered send names the sessions after its first in
 * `also`). `#write` drops `also`, then `was`, from a frame they would push past `maxPayload`
 * (the server may have passed the message on: it must not be rejected). The frame kept for
 * the resend on the next socket of the same session (`unackedFrames`) is the one written,
 * `also` included, and is measured against the limit as it is then.
 */
import { describe, expect, it } from 'vitest';
import type { SocketData } from '../../protocol/tab-hub';
import { SendQueue, type SendWriter } from './send-queue';

function writer(): SendWriter & { frames: () => string[] } {
  const written: SocketData[] = [];
  return { numbered: true, write: (data) => written.push(data), frames: () => written.map(String) };
}

const S1 = 'a'.repeat(32);
const S2 = 'b'.repeat(32);

describe('SendQueue: a frame written with `also`, resent after the limit came down', () => {
  // Invariant: each send settles once; rejected = the server's app never got it. Severity:
  // low (a send switched twice before its ack, written with `also` on S3, its socket gone
  // before the ack, and the next socket's hello saying a lower `maxPayload`: a rolling
  // deploy of a process configured lower behind the same load balancer, or the link
  // lowering it on a 1009). What I saw: the resend `unackedFrames()` refuses the frame
  // (`TS_ERR_TOO_LARGE`) and the send rejects, although S3 (or S1 before it) may have passed
  // it on; the frame without `also` (which `#write` would have made: the second assertion)
  // fits. OLDER in its mechanism (`unackedFrames` never dropped `was` either, since 07cfb43;
  // before `was`, a frame over the new limit could not be sent at all), widened by e20bf84:
  // `also` adds up to 4 origins (~60 bytes each with a worker's 32-character ids, ~150 with
  // 128-character ones), so a drop of that much in the limit now rejects what the frame
  // with `was` alone kept. Dropping `also`, then `was`, in `unackedFrames` as `#write` does
  // would keep the rule (at worst twice, as before `was`). Fixed so: `unackedFrames` builds
  // each frame as `#write` does (`SendQueue.#frameOf`), against the limit as it is then.
  it('resends it without `also` rather than reject it', async () => {
    const queue = new SendQueue();
    const settled = queue.add('once').then(
      () => 'resolved',
      (error: { code?: string }) => `rejected ${error.code}`,
    );
    queue.flush(writer());
    queue.requeueUnacked({ renumber: true, from: S1 });
    queue.flush(writer());
    queue.requeueUnacked({ renumber: true, from: S2 });
    const s3 = writer();
    queue.flush(s3);
    const withWasAlone = JSON.stringify({
      $ts: 'msg',
      id: 1,
      text: 'once',
      was: { session: S1, id: 1 },
    });
    expect(JSON.parse(s3.frames()[0] as string)).toMatchObject({ also: [{ session: S2, id: 1 }] });
    // S3's socket drops before the ack; the next one resumes S3, its hello with a lower limit.
    queue.maxPayload = withWasAlone.length;
    const resent = queue.unackedFrames();
    expect(resent).toHaveLength(1);
    queue.ack(1);
    expect(await settled).toBe('resolved');
  });
});
