/**
 * Review of issue 20: a message over the server's maxPayload is never written. A hello on
 * the next socket that lowers maxPayload finds a message written on the last socket and not
 * acknowledged: it is resent blindly (`unackedFrames`), and the server closes with 1009.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { TooLargeError } from '../../protocol/errors';
import { NONCE, resumed, setupResumed } from '../test-support/connection-harness';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

it('does not resend an unacked message over the maxPayload the next hello lowered: it rejects with TooLargeError', async () => {
  const { connection, latest, lastState } = setupResumed();
  const big = connection.send('x'.repeat(5_000));
  const bigFrame = latest().sent.at(-1);
  expect(bigFrame).toContain('"$ts":"msg"');
  // The socket is lost before the ack (a network drop, no 1009).
  latest().drop(1006, '');
  vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
  latest().accept();
  // The server (redeployed with a lower limit) says so in its hello.
  latest().receive(
    JSON.stringify({ $ts: 'hello', v: 1, nonce: NONCE, limits: { maxPayload: 1_000 } }),
  );
  latest().receive(resumed(0));
  expect(connection.limits.maxPayload).toBe(1_000);
  // Written again, it would only make the server close this socket with 1009.
  expect(latest().sent).not.toContain(bigFrame);
  await expect(big).rejects.toBeInstanceOf(TooLargeError);
});
