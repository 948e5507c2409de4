import { describe, expect, it } from 'vitest';
import { DedupeWindow } from './dedupe-window';

describe('DedupeWindow', () => {
  describe('#seen()', () => {
    it('answers false the first time and true for every repeat', () => {
      const window = new DedupeWindow(8);
      expect([1, 2, 3].map((id) => window.seen(id))).toEqual([false, false, false]);
      expect([1, 2, 3].map((id) => window.seen(id))).toEqual([true, true, true]);
    });

    it('handles ids that arrive out of order', () => {
      const window = new DedupeWindow(8);
      expect(window.seen(3)).toBe(false);
      expect(window.seen(1)).toBe(false);
      expect(window.seen(2)).toBe(false);
      expect(window.seen(3)).toBe(true);
      expect(window.seen(4)).toBe(false);
    });

    it('stays bounded: past `size` ids above a hole, the oldest hole counts as seen', () => {
      const window = new DedupeWindow(3);
      for (const id of [2, 3, 4, 5]) expect(window.seen(id)).toBe(false);
      // Four ids waited above the hole at 1: the window gave the hole up.
      expect(window.seen(1)).toBe(true);
      expect(window.seen(5)).toBe(true);
      expect(window.seen(6)).toBe(false);
    });

    it('remembers a long in-order run in constant space', () => {
      const window = new DedupeWindow(2);
      for (let id = 1; id <= 10_000; id++) expect(window.seen(id)).toBe(false);
      expect(window.seen(1)).toBe(true);
      expect(window.seen(10_000)).toBe(true);
    });
  });
});

describe('DedupeWindow bounds', () => {
  it('throws a RangeError for a size below 1 or past 65,536', () => {
    expect(() => new DedupeWindow(0)).toThrow(RangeError);
    // 200,000 ids above a hole in such a window overflowed the stack (Math.min(...ids)).
    expect(() => new DedupeWindow(200_000)).toThrow(/from 1 to 65536, got 200000/);
  });

  it('takes 200,000 ids above a hole with the largest window, without a throw (issue 9)', () => {
    // This input overflowed the stack in Math.min(...ids) and took the process down.
    const window = new DedupeWindow(65_536);
    // Counted, not one `expect` each: 200,000 of those take seconds on a loaded machine.
    let unseen = 0;
    for (let id = 2; id <= 200_001; id++) if (!window.seen(id)) unseen += 1;
    expect(unseen).toBe(200_000);
    expect(window.seen(1)).toBe(true);
    expect(window.seen(200_001)).toBe(true);
    expect(window.seen(200_002)).toBe(false);
  });

  it('takes ids far apart, up to 2^53 - 1, in bounded time', () => {
    const window = new DedupeWindow(65_536);
    const started = Date.now();
    for (let step = 0; step < 1_000; step++) {
      expect(window.seen(Number.MAX_SAFE_INTEGER - 1_000_000 + step * 1_000)).toBe(false);
    }
    expect(window.seen(Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(window.seen(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
