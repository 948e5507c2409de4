import { describe, expect, it } from 'vitest';
import type { FanoutMessage } from '../stores';
import type { LoggedFanout } from './fanout-log';
import { type DirectPush, interestAt, interestsFrom, numberFrom } from './session-numbering';

const bodyOf = (message: FanoutMessage) => JSON.stringify(message.d);
const ann = { since: 0, user: 'ann', topics: ['prices'] };

/** Fan-outs numbered from `first` on, made at time 0. */
function fanouts(first: number, ...messages: FanoutMessage[]): LoggedFanout[] {
  return messages.map((message, index) => ({ n: first + index, message, at: 0 }));
}

const direct = (seq: number, mark: number): DirectPush => ({
  seq,
  mark,
  body: `direct ${seq}`,
  at: 0,
});

describe('numberFrom', () => {
  it("counts from the anchor the fan-outs for the session's user and topics, and broadcasts", () => {
    const numbered = numberFrom(
      { head: 7, mark: 10 },
      [ann],
      [],
      fanouts(
        11,
        { k: 'u', u: 'ann', d: 'a' },
        { k: 'u', u: 'bob', d: 'b' },
        { k: 't', t: 'prices', d: 'c' },
        { k: 't', t: 'news', d: 'd' },
        { k: 'b', d: 'e' },
      ),
      bodyOf,
    );
    expect(numbered).toEqual({
      head: 10,
      pushes: [
        { seq: 8, body: '"a"', at: 0, mark: 11 },
        { seq: 9, body: '"c"', at: 0, mark: 13 },
        { seq: 10, body: '"e"', at: 0, mark: 15 },
      ],
    });
  });

  it('puts each direct push after the fan-out it followed, skipping those the anchor counts', () => {
    const numbered = numberFrom(
      { head: 2, mark: 10 },
      [ann],
      [direct(1, 3), direct(2, 10), direct(3, 10), direct(5, 11), direct(6, 12)],
      fanouts(11, { k: 'b', d: 'x' }, { k: 'u', u: 'bob', d: 'y' }),
      bodyOf,
    );
    expect(numbered?.head).toBe(6);
    expect(numbered?.pushes.map((push) => [push.seq, push.body, push.mark])).toEqual([
      [3, 'direct 3', 10],
      [4, '"x"', 11],
      [5, 'direct 5', 11],
      [6, 'direct 6', 12],
    ]);
  });

  it('counts each fan-out by the interest it was made under', () => {
    const interests = [
      { since: 0, user: 'ann', topics: [] },
      { since: 11, user: 'ann', topics: ['prices'] },
    ];
    const log = fanouts(11, { k: 't', t: 'prices', d: 1 }, { k: 't', t: 'prices', d: 2 });
    expect(numberFrom({ head: 0, mark: 10 }, interests, [], log, bodyOf)?.pushes).toEqual([
      { seq: 1, body: '2', at: 0, mark: 12 },
    ]);
  });

  it('cannot number what it does not know: a direct push missing, a fan-out missing, an interest too new', () => {
    const log = fanouts(11, { k: 'b', d: 1 }, { k: 'b', d: 2 });
    expect(numberFrom({ head: 0, mark: 10 }, [ann], [direct(3, 11)], log, bodyOf)).toBeUndefined();
    expect(
      numberFrom({ head: 0, mark: 9 }, [ann], [], log, bodyOf),
      'fan-out 10 is not in the log',
    ).toBeUndefined();
    const newer = [{ ...ann, since: 11 }];
    expect(numberFrom({ head: 0, mark: 10 }, newer, [], log, bodyOf)).toBeUndefined();
    expect(numberFrom({ head: 0, mark: 10 }, [ann], [direct(3, 12)], log, bodyOf)?.head).toBe(3);
  });
});

describe('interests', () => {
  const interests = [
    { since: 0, user: 'ann', topics: [] },
    { since: 5, user: 'ann', topics: ['a'] },
    { since: 5, user: 'ann', topics: ['b'] },
    { since: 9, user: 'ann', topics: ['c'] },
  ];

  it('finds the interest a fan-out was made under: the last one given before it', () => {
    expect(interestAt(interests, 5)?.topics).toEqual([]);
    expect(interestAt(interests, 6)?.topics).toEqual(['b']);
    expect(interestAt(interests, 100)?.topics).toEqual(['c']);
    expect(interestAt(interests.slice(1), 5)).toBeUndefined();
  });

  it('keeps those a count from a mark needs', () => {
    expect(interestsFrom(interests, 7).map((interest) => interest.topics)).toEqual([['b'], ['c']]);
    expect(interestsFrom(interests, 9).map((interest) => interest.topics)).toEqual([['c']]);
    expect(interestsFrom(interests, 2)).toHaveLength(4);
  });
});
