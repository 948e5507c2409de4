import { describe, expect, it } from 'vitest';
import type { ReplayStore } from '../stores/replay-store';
import { StoreEnds } from './store-ends';

/** A store whose `end` fails while `failing`, at once or answered later (`answers`). */
function endingStore() {
  const calls: string[] = [];
  const answers: Array<{ key: string; settle: (ok: boolean) => void }> = [];
  const store = {
    end(key: string) {
      calls.push(key);
      return new Promise<void>((resolve, reject) => {
        answers.push({ key, settle: (ok) => (ok ? resolve() : reject(new Error('refused'))) });
      });
    },
  } as unknown as ReplayStore;
  return { store, calls, answers };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('StoreEnds', () => {
  it('has an end until the store took it, and makes a failed one again at each retry', async () => {
    const { store, calls, answers } = endingStore();
    const errors: unknown[] = [];
    const ends = new StoreEnds(store, (error) => errors.push(error), 10);
    ends.end('a');
    expect(ends.has('a')).toBe(true);
    ends.retry(); // not failed yet: on its way
    expect(calls).toEqual(['a']);
    answers.shift()?.settle(false);
    await settled();
    expect(errors).toHaveLength(1);
    expect(ends.has('a')).toBe(true);
    ends.retry();
    expect(calls).toEqual(['a', 'a']);
    answers.shift()?.settle(true);
    await settled();
    expect(ends.has('a')).toBe(false);
    ends.retry();
    expect(calls).toEqual(['a', 'a']);
  });

  it('gives up the oldest past its limit', async () => {
    const { store, calls, answers } = endingStore();
    const ends = new StoreEnds(store, () => {}, 2);
    for (const key of ['a', 'b', 'c']) ends.end(key);
    expect([ends.has('a'), ends.has('b'), ends.has('c')]).toEqual([false, true, true]);
    for (const answer of answers.splice(0)) answer.settle(false);
    await settled();
    ends.retry();
    expect(calls).toEqual(['a', 'b', 'c', 'b', 'c']);
  });
});
