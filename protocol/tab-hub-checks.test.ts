import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { checkTabSend } from './tab-hub-checks';

const wire = { session: 's2', id: 1 };

describe('checkTabSend', () => {
  it.each([
    ['no tag', undefined],
    ['a number', { id: 1 }],
    ['a wire', { id: 1, wire }],
    [
      'where it was written before',
      { id: 1, wire: { ...wire, before: [{ session: 's1', id: 3 }] } },
    ],
    [
      'five sessions before (was and four in also)',
      {
        id: 1,
        wire: {
          ...wire,
          before: Array.from({ length: 5 }, (_, n) => ({ session: `s${n}`, id: 1 })),
        },
      },
    ],
  ])('takes %s', (_, tag) => {
    expect(checkTabSend(tag)).toBeUndefined();
  });

  it.each([
    ['a number below 1', { id: 0 }],
    ['a wire id below 1', { id: 1, wire: { session: 's2', id: 0 } }],
    ['a wire without a session', { id: 1, wire: { id: 1 } }],
    ['before that is no list', { id: 1, wire: { ...wire, before: { session: 's1', id: 3 } } }],
    ['a bad session before', { id: 1, wire: { ...wire, before: [{ session: '', id: 3 }] } }],
    [
      'six sessions before',
      {
        id: 1,
        wire: {
          ...wire,
          before: Array.from({ length: 6 }, (_, n) => ({ session: `s${n}`, id: 1 })),
        },
      },
    ],
  ])('refuses %s: it would put a bad frame on the wire', (_, tag) => {
    expect(checkTabSend(tag)).toBeInstanceOf(InvalidArgumentError);
  });

  // Review 18d: `every` skips the holes of a sparse list, which a tab's postMessage keeps;
  // the hub's frame builder then threw on the hole, and the send was rejected as refused
  // by the socket.
  it('refuses a `before` with a hole, as a structured clone hands it over', () => {
    const before = [{ session: 's1', id: 3 }];
    before.length = 2;
    const tag = structuredClone({ id: 1, wire: { ...wire, before } });
    expect(checkTabSend(tag)).toBeInstanceOf(InvalidArgumentError);
  });
});
