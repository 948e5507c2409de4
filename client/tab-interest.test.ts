import { describe, expect, it } from 'vitest';
import { EVERY_FRAME, TabInterest } from './tab-interest';

/** An interest the hub was told once: the whole of `keys`. */
function toldOnce(...keys: string[]): TabInterest {
  const interest = new TabInterest();
  for (const key of keys) interest.add(key);
  interest.takeUpdate();
  return interest;
}

describe('TabInterest', () => {
  it('says the whole set first, then nothing until a count leaves or reaches zero', () => {
    const interest = new TabInterest();
    expect(interest.add('chat')).toBe(false);
    expect(interest.add(EVERY_FRAME)).toBe(false);
    expect(interest.takeUpdate()).toEqual({ all: true, topics: ['chat'] });
    expect(interest.takeUpdate()).toBeUndefined();
    expect(interest.add('chat')).toBe(false);
    expect(interest.remove('chat')).toBe(false);
    expect(interest.takeUpdate()).toBeUndefined();
  });

  it('answers true for the first change after an update only: one update per task', () => {
    const interest = toldOnce('a', 'b', 'c');
    expect(interest.add('d')).toBe(true);
    expect(interest.add('e')).toBe(false);
    expect(interest.remove('a')).toBe(false);
    expect(interest.takeUpdate()).toEqual({ all: false, add: ['d', 'e'], remove: ['a'] });
    expect(interest.remove('b')).toBe(true);
  });

  it('sends the whole set when the diff would not be smaller', () => {
    const interest = toldOnce('a');
    interest.add('b');
    interest.remove('a');
    expect(interest.takeUpdate()).toEqual({ all: false, topics: ['b'] });
    interest.remove('b');
    expect(interest.takeUpdate()).toEqual({ all: false, topics: [] });
  });

  it('tells nothing for a key added and removed within one task', () => {
    const interest = toldOnce('a', 'b');
    interest.add('c');
    interest.remove('c');
    interest.add(EVERY_FRAME);
    interest.remove(EVERY_FRAME);
    expect(interest.takeUpdate()).toBeUndefined();
  });

  it('tells a change of every-frame listeners alone as a diff of no topics', () => {
    const interest = toldOnce('a', 'b');
    interest.add(EVERY_FRAME);
    expect(interest.takeUpdate()).toEqual({ all: true, add: [], remove: [] });
  });

  it('after forget (a fresh worker), says the whole set again', () => {
    const interest = toldOnce('a', 'b');
    interest.remove('a');
    interest.forget();
    expect(interest.takeUpdate()).toEqual({ all: false, topics: ['b'] });
  });

  it('tells a key the hub refused again, also when unsubscribed and subscribed in one task', () => {
    const interest = new TabInterest();
    interest.add('b');
    interest.takeUpdate();
    interest.refused(['b']);
    interest.remove('b');
    interest.add('b');
    expect(interest.takeUpdate()).toEqual({ all: false, topics: ['b'] });
  });
});
