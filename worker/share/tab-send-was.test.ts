/** A tab's send re-posted with the id of another session says where it may have been written. */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../protocol/clock';
import { HeardWrites, numberingOf } from './tab-send';

describe('numberingOf: a re-post under another session', () => {
  const writes = new HeardWrites(() => true, systemClock);
  const connection = { cursor: { session: 'S2', seq: 0, nextId: 1 } };
  const numbering = (wire: { session: string; id: number }) =>
    numberingOf({ id: 1, wire }, 'tab', connection, () => {}, writes);

  it('keeps the id of this session, and says where an id of another was written (was)', () => {
    expect(numbering({ session: 'S2', id: 3 })).toMatchObject({ id: 3, session: 'S2' });
    const across = numbering({ session: 'S1', id: 3 });
    expect(across.id).toBeUndefined();
    expect(across.was).toEqual({ session: 'S1', id: 3 });
  });
});
