import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setup, setupOpen } from '../test-support/connection-harness';
import { MAX_HINT_MS, readRetryHint } from './retry-hint';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const hint = (after: number, within: number) => JSON.stringify({ $ts: 'retry', after, within });

describe('a close with 1012 or 1013', () => {
  it('waits a moment drawn from the hint window, not the first backoff', () => {
    // random 0.5: the middle of the window, 5 s + 5 s; the plain backoff would be 100 ms.
    const context = setupOpen();
    context.latest().drop(1012, hint(5_000, 10_000));
    expect(context.lastState()).toMatchObject({
      state: 'backoff',
      detail: { code: 1012, attempt: 1, delay: 10_000 },
    });
    vi.advanceTimersByTime(9_999);
    expect(context.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(context.sockets).toHaveLength(2);
  });

  it('spreads the workers over the hint window by their random draw', () => {
    const delays = [0, 0.25, 0.999].map((draw) => {
      const context = setup({}, () => draw);
      context.connection.start();
      context.latest().accept();
      context.latest().drop(1013, hint(2_000, 4_000));
      return context.lastState()?.detail.delay;
    });
    expect(delays).toEqual([2_000, 3_000, 5_996]);
  });

  it('without a hint, never retries sooner than minDelay, even with full jitter', () => {
    // Full jitter drawing near 1 makes the plain first retry immediate (0 ms).
    const context = setup({ reconnect: { minDelay: 1_000, jitter: 1 } }, () => 0.999);
    context.connection.start();
    context.latest().accept();
    context.latest().drop(1013, 'overloaded');
    const delay = context.lastState()?.detail.delay ?? 0;
    expect(delay).toBeGreaterThanOrEqual(1_000);
    expect(delay).toBeLessThanOrEqual(2_000);
  });

  it('keeps a close with another code on the plain backoff', () => {
    const context = setupOpen();
    context.latest().drop(1011, hint(5_000, 10_000));
    expect(context.lastState()?.detail.delay).toBe(100);
  });

  it('takes a hint longer than five minutes as five minutes', () => {
    const context = setup({}, () => 0);
    context.connection.start();
    context.latest().accept();
    context.latest().drop(1012, hint(24 * 3_600_000, 0));
    expect(context.lastState()?.detail.delay).toBe(MAX_HINT_MS);
  });
});

describe('readRetryHint', () => {
  it('reads the retry frame and nothing else', () => {
    expect(readRetryHint(hint(1, 2))).toEqual({ $ts: 'retry', after: 1, within: 2 });
    for (const reason of [
      '',
      'Server restart',
      '{"$ts":"retry","after":-1,"within":0}',
      '{"$ts":"retry","after":1.5,"within":0}',
      '{"$ts":"retry","after":1}',
      '{"$ts":"other","after":1,"within":0}',
      '{"$ts":"retry"',
      'null',
    ]) {
      expect(readRetryHint(reason), reason).toBeUndefined();
    }
  });
});
