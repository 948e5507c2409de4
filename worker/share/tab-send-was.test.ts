/** A tab's send re-posted with the id of another session says where it may have been written. */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../protocol/clock';
import type { WireId } from '../../protocol/tab-hub';
import { HeardWrites, numberingOf } from './tab-send';

describe('numberingOf: a re-post under another session', () => {
  const writes = new HeardWrites(() => true, systemClock);
  const connection = { cursor: { session: 'S2', seq: 0, nextId: 1 } };
  const numbering = (wire: WireId) =>
    numberingOf({ id: 1, wire }, 'tab', connection, () => {}, writes);

  it('keeps the id of this session, and says where an id of another was written (was)', () => {
    expect(numbering({ session: 'S2', id: 3 })).toMatchObject({ id: 3, session: 'S2' });
    const across = numbering({ session: 'S1', id: 3 });
    expect(across.id).toBeUndefined();
    expect(across.was).toEqual({ session: 'S1', id: 3 });
  });

  it('names its copy of this session in its place when written elsewhere after it', () => {
    // Written S2 #3, then S1 #1: a copy read in S1 takes S2 first, and so must this one
    // (review 18h: opposite orders let each copy take the other's session over).
    const again = numbering({ session: 'S1', id: 1, before: [{ session: 'S2', id: 3 }] });
    expect(again).toMatchObject({
      id: 3,
      session: 'S2',
      was: { session: 'S2', id: 3 },
      also: [{ session: 'S1', id: 1 }],
    });
    // Told back with its copy in S1 among those before it, re-posted in S2: named once.
    const told = numbering({
      session: 'S1',
      id: 3,
      before: [
        { session: 'S1', id: 3 },
        { session: 'S3', id: 1 },
      ],
    });
    expect(told.id).toBeUndefined();
    expect(told).toMatchObject({
      was: { session: 'S1', id: 3 },
      also: [{ session: 'S3', id: 1 }],
    });
    // Written here last: the others only.
    const last = numbering({ session: 'S2', id: 4, before: [{ session: 'S1', id: 1 }] });
    expect(last).toMatchObject({ id: 4, session: 'S2', was: { session: 'S1', id: 1 } });
    expect(last.also).toBeUndefined();
  });
});
