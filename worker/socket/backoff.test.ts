import { describe, expect, it } from 'vitest';
import { MAX_TIMER_DELAY } from '../../protocol/clock';
import { backoffDelay } from './backoff';

const base = { minDelay: 1_000, maxDelay: 30_000, factor: 2, jitter: 0 };

/** A deterministic uniform source in [0, 1): Numerical Recipes' LCG, top bits only. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function samples(count: number, cap: number, seed: number): number[] {
  const random = lcg(seed);
  const options = { ...base, maxDelay: cap, jitter: 1 };
  // Attempt 100 is far past the cap, so every sample is jittered from `cap`.
  return Array.from({ length: count }, () => backoffDelay(100, options, random));
}

describe('backoffDelay', () => {
  describe('without jitter', () => {
    it('uses minDelay for attempt 1', () => {
      expect(backoffDelay(1, base, () => 0.5)).toBe(1_000);
    });

    it('treats attempt 0 or below like attempt 1', () => {
      expect(backoffDelay(0, base, () => 0.5)).toBe(1_000);
      expect(backoffDelay(-3, base, () => 0.5)).toBe(1_000);
    });

    it('grows by factor from minDelay on each attempt', () => {
      const delays = [1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, base, () => 0.5));
      expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    });

    it('grows by a non-integer factor', () => {
      const options = { ...base, minDelay: 100, factor: 1.5 };
      expect(backoffDelay(3, options, () => 0)).toBe(225);
    });

    it('stays at minDelay when factor is 1', () => {
      expect(backoffDelay(50, { ...base, factor: 1 }, () => 0)).toBe(1_000);
    });

    it('caps the delay at maxDelay', () => {
      expect(backoffDelay(6, base, () => 0)).toBe(30_000);
      expect(backoffDelay(40, base, () => 0)).toBe(30_000);
    });

    it('ignores random entirely', () => {
      expect(backoffDelay(3, base, () => 0)).toBe(4_000);
      expect(backoffDelay(3, base, () => 0.999_999)).toBe(4_000);
    });

    it('returns whole milliseconds', () => {
      const options = { ...base, minDelay: 10, factor: 1.1 };
      expect(Number.isInteger(backoffDelay(7, options, () => 0))).toBe(true);
    });

    it('stays at 0 for every attempt when minDelay is 0', () => {
      const options = { ...base, minDelay: 0 };
      expect(backoffDelay(10, options, () => 0)).toBe(0);
      // 2 ** 1999 overflows to Infinity, and 0 * Infinity is NaN.
      expect(backoffDelay(2_000, options, () => 0)).toBe(0);
    });
  });

  describe('with huge numbers', () => {
    it('caps at maxDelay when factor ** attempt overflows to Infinity', () => {
      expect(backoffDelay(1e9, base, () => 0)).toBe(30_000);
      expect(backoffDelay(Number.MAX_SAFE_INTEGER, { ...base, factor: 1e6 }, () => 0)).toBe(30_000);
    });

    it('clamps a delay above 2^31-1 ms to 2^31-1', () => {
      const options = { ...base, maxDelay: 1e15, factor: 1e6 };
      const delay = backoffDelay(1e9, options, () => 0);
      expect(delay).toBe(MAX_TIMER_DELAY);
      expect(delay).toBe(2 ** 31 - 1);
    });

    it('clamps an infinite cap to 2^31-1', () => {
      const options = { ...base, maxDelay: Number.POSITIVE_INFINITY, jitter: 1 };
      expect(backoffDelay(5_000, options, () => 0.5)).toBe(MAX_TIMER_DELAY);
    });
  });

  describe('with partial jitter', () => {
    it('keeps the delay within [cap * (1 - jitter), cap]', () => {
      const options = { ...base, jitter: 0.5 };
      expect(backoffDelay(3, options, () => 0)).toBe(4_000);
      expect(backoffDelay(3, options, () => 0.5)).toBe(3_000);
      expect(backoffDelay(3, options, () => 0.999_999)).toBe(2_000);
    });
  });

  describe('with full jitter (jitter 1)', () => {
    const cap = 30_000;
    const delays = samples(10_000, cap, 42);

    it('returns the full cap for random 0 and about 0 for random near 1', () => {
      const options = { ...base, jitter: 1 };
      expect(backoffDelay(10, options, () => 0)).toBe(cap);
      expect(backoffDelay(10, options, () => 0.999_999_99)).toBe(0);
    });

    it('keeps every delay within [0, cap]', () => {
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(cap);
      }
    });

    it('has a mean of about cap / 2', () => {
      const mean = delays.reduce((sum, delay) => sum + delay, 0) / delays.length;
      expect(Math.abs(mean - cap / 2)).toBeLessThan(cap * 0.02);
    });

    it('reaches close to both 0 and cap', () => {
      expect(Math.min(...delays)).toBeLessThan(cap * 0.005);
      expect(Math.max(...delays)).toBeGreaterThan(cap * 0.995);
    });

    it('spreads delays evenly across 10 buckets', () => {
      const buckets = new Array<number>(10).fill(0);
      for (const delay of delays) {
        const index = Math.min(Math.floor((delay / cap) * 10), 9);
        buckets[index] = (buckets[index] ?? 0) + 1;
      }
      for (const bucket of buckets) {
        expect(bucket / delays.length).toBeGreaterThan(0.08);
        expect(bucket / delays.length).toBeLessThan(0.12);
      }
    });

    it('spreads the retries of a herd instead of returning them at once', () => {
      const distinct = new Set(delays.slice(0, 100));
      expect(distinct.size).toBeGreaterThan(95);
    });
  });
});
