import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../protocol/connection-options';
import { fitInterest, fitsPayload, limitsFromHello, utf8Length } from './wire-limits';

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['ascii', 5],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['\ud800', 3],
    ['\udc00x', 4],
    ['a\ud83d', 4],
  ])('counts %j as the socket writes it: %i bytes', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(Buffer.byteLength(text)).toBe(bytes);
  });

  it('agrees with Buffer.byteLength on random UTF-16, lone surrogates included', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed;
    };
    for (let round = 0; round < 200; round++) {
      const text = String.fromCharCode(...Array.from({ length: 50 }, () => next() % 0x10000));
      expect(utf8Length(text)).toBe(Buffer.byteLength(text));
    }
  });
});

describe('fitsPayload', () => {
  it('takes text up to maxPayload bytes and binary by its byteLength', () => {
    expect(fitsPayload('€'.repeat(10), 30)).toBe(true);
    expect(fitsPayload('€'.repeat(10), 29)).toBe(false);
    expect(fitsPayload(new Uint8Array(30), 30)).toBe(true);
    expect(fitsPayload(new Uint8Array(31).buffer, 30)).toBe(false);
    expect(fitsPayload(new Blob(['x'.repeat(31)]), 30)).toBe(false);
  });
});

describe('limitsFromHello', () => {
  it('takes each positive integer the hello says, and keeps the option for the rest', () => {
    expect(
      limitsFromHello(DEFAULT_LIMITS, { maxPayload: 10, maxTopics: -1, maxTopicLength: '9' }),
    ).toEqual({ ...DEFAULT_LIMITS, maxPayload: 10 });
    expect(limitsFromHello(DEFAULT_LIMITS, undefined)).toBe(DEFAULT_LIMITS);
  });
});

describe('fitInterest', () => {
  const limits = { ...DEFAULT_LIMITS, maxTopics: 3, maxTopicLength: 4 };
  const union = (counts: Record<string, number>) => new Map(Object.entries(counts));

  it('keeps an update within the limits as it is', () => {
    const update = { all: true, topics: ['a', 'b'] };
    const view = { held: new Set(['a']), union: union({ a: 1, c: 1 }) };
    expect(fitInterest(update, view, limits)).toEqual({ update });
  });

  it("drops topics too long, and the tab's newest past maxTopics; a topic others have costs no room", () => {
    const fitted = fitInterest(
      { all: false, topics: ['shared', 'a', 'toolong', 'b', 'c', 'x'] },
      { held: new Set(), union: union({ shared: 1, x: 2 }) },
      { ...limits, maxTopicLength: 6 },
    );
    expect(fitted.update).toEqual({ all: false, topics: ['shared', 'a', 'x'] });
    expect(fitted.refused?.code).toBe('TS_ERR_TOO_LARGE');
    expect(fitted.refused?.message).toContain('3 topics were refused: 1 over');
  });

  it('counts the topics the whole interest no longer names, and only those no other tab has, as room', () => {
    const view = { held: new Set(['mine', 'ours']), union: union({ mine: 1, ours: 2, them: 1 }) };
    const fitted = fitInterest({ all: false, topics: ['a', 'b'] }, view, limits);
    expect(fitted.update).toEqual({ all: false, topics: ['a'] });
    expect(fitted.refused?.message).toContain('1 topics were refused: 0 over');
  });

  it("fits a diff's adds to the union once its removals left, and leaves the removals as they are", () => {
    const view = { held: new Set(['mine', 'ours']), union: union({ mine: 1, ours: 2, them: 1 }) };
    const update = { all: false, add: ['a', 'a', 'b', 'them'], remove: ['mine', 'ours', 'never'] };
    const fitted = fitInterest(update, view, limits);
    expect(fitted.update).toEqual({
      all: false,
      add: ['a', 'a', 'them'],
      remove: ['mine', 'ours', 'never'],
    });
    expect(fitted.refused?.message).toContain('1 topics were refused: 0 over');
    expect(fitInterest({ ...update, add: ['a', 'them'] }, view, limits)).toEqual({
      update: { ...update, add: ['a', 'them'] },
    });
  });
});
