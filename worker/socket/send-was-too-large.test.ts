/**
 * Review 15 (attacks on 07cfb43, `was`): a message that fit `maxPayload` as written under
 * one session, renumbered under another with `was` added to its frame.
 */
import { describe, expect, it } from 'vitest';
import type { SocketData } from '../../protocol/tab-hub';
import { SendQueue, type SendWriter } from './send-queue';

function writer(): SendWriter & { frames: () => string[] } {
  const written: SocketData[] = [];
  return { numbered: true, write: (data) => written.push(data), frames: () => written.map(String) };
}

describe('SendQueue: a message written once, grown by `was` past maxPayload', () => {
  // Invariant: each send settles once, rejected = the server's app never got it. Severity:
  // low (a send within ~60 bytes of `maxPayload`, written, its ack lost, then a session
  // switch). NEW with 07cfb43: before it the renumbered frame differed by the id's digits
  // only. What I saw: the frame `{"$ts":"msg","id":1,"text":…}` fit and was written under
  // S1 (the server may have passed it on); `requeueUnacked` gives it `was` (the session id
  // and the id, ~60 bytes), `#write` measures it again and rejects it `TS_ERR_TOO_LARGE`,
  // although the app may have it. Writing it without `was` (at worst twice, as before)
  // would keep the rule.
  // Fixed: such a message goes without its `was` (`SendQueue#write`).
  it('does not reject a message the server may have passed on', async () => {
    const text = 'x'.repeat(100);
    const frame = JSON.stringify({ $ts: 'msg', id: 1, text });
    const queue = new SendQueue(frame.length);
    const settled = queue.add(text).then(
      () => 'resolved',
      (error: { code?: string }) => `rejected ${error.code}`,
    );
    const s1 = writer();
    queue.flush(s1);
    expect(s1.frames()).toEqual([frame]);
    // The socket drops before the ack; the hub takes another session.
    queue.requeueUnacked({ renumber: true, from: 'a-session-id-of-thirty-two-chars' });
    const s2 = writer();
    queue.flush(s2);
    queue.ack(1);
    expect(await settled).toBe('resolved');
  });
});
