import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test-support/fake-clock';
import { HeldClaims } from './held-claims';

describe('HeldClaims', () => {
  it('keeps every failed claim of an id: the newest first, the holder when met', () => {
    const held = new HeldClaims(new FakeClock(), 10_000);
    held.keep('S 3', 'c1', true);
    held.keep('S 3', 'c2', true);
    expect(held.retake('S 3')).toBe('c2');
    expect(held.retake('S 3', 'c2')).toBeUndefined();
    expect(held.retake('S 3', 'c1')).toBe('c1');
    expect(held.retake('S 3')).toBeUndefined();
  });

  it('lets go of the failed claims of an id at `take`, the kept one answered', () => {
    const held = new HeldClaims(new FakeClock(), 10_000);
    held.keep('S 3', 'c1', true);
    held.keep('S 3', 'c2', true);
    held.keep('S 3', 'c3');
    expect(held.take('S 3')).toBe('c3');
    expect(held.retake('S 3')).toBeUndefined();
    expect(held.take('S 3')).toBeUndefined();
  });

  it('keeps 4,096 failed claims at most, the oldest ids dropped first', () => {
    const held = new HeldClaims(new FakeClock(), 10_000);
    held.keep('S 0', 'a', true);
    held.keep('S 0', 'b', true);
    // Claims let go of count no more.
    held.keep('S 1', 'gone', true);
    expect(held.take('S 1')).toBe('gone');
    for (let id = 2; id < 4_096; id++) held.keep(`S ${id}`, `c${id}`, true);
    expect(held.retake('S 0', 'a')).toBe('a');
    held.keep('S 0', 'a', true);
    held.keep('S 4096', 'c4096', true);
    expect(held.retake('S 2')).toBeUndefined();
    expect(held.retake('S 3')).toBe('c3');
    expect(held.retake('S 0', 'b')).toBe('b');
  });
});
