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
