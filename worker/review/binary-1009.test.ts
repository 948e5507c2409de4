/**
 * Review of issue 20: a 1009 close refuses the message the server could not take, and only
 * it. A binary message is written as it is (it is never numbered, so never unacknowledged);
 * when the server closes with 1009 for it, the largest *unacknowledged* message is taken
 * for the culprit: a small text message written just after it. That one rejects with
 * TooLargeError, and the login's maxPayload falls below its few bytes: every later send of
 * the login is refused.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { HELLO, resumed, setupResumed } from '../test-support/connection-harness';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

it('a 1009 after a large binary send neither refuses the small text message after it nor cripples the login', async () => {
  // The server says 10,000 bytes; something in front of it takes less.
  const { connection, latest, lastState } = setupResumed({ limits: { maxPayload: 10_000 } });
  await connection.send(new Uint8Array(8_000).buffer);
  const small = connection.send('s');
  const smallSettled = small.then(
    () => 'sent',
    (error: { code?: string }) => error.code,
  );
  latest().drop(1009, 'Max payload size exceeded');
  vi.advanceTimersByTime(lastState()?.detail.delay ?? 0);
  latest().accept();
  latest().receive(HELLO);
  latest().receive(resumed(0));
  latest().receive('{"$ts":"ack","id":1}');
  expect(await smallSettled).toBe('sent');
  // A message of 30 characters is far below anything the server refused.
  const later = connection.send('a message of thirty characters');
  expect(connection.limits.maxPayload).toBeGreaterThan(100);
  latest().receive('{"$ts":"ack","id":2}');
  await expect(later).resolves.toBeUndefined();
});
