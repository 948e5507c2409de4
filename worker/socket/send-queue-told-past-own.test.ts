/**
 * What a tab is told of where its send was written, when its frame, cut to fit `maxPayload`,
 * names fewer copies than it was written in (review 19b): the server asks no copy past the
 * frame's own (`passedOnBefore`), so a cut there drops nothing it reads.
 */
import { describe, expect, it } from 'vitest';
import type { WireId } from '../../protocol/tab-hub';
import { type Numbering, SendQueue } from './send-queue';

const S3 = { session: 'S', id: 3 };
const T1 = { session: 'T', id: 1 };
const U2 = { session: 'U', id: 2 };

/** The frame written for `numbering` under a `maxPayload` that fits `fits`, and what was told. */
function writeCut(numbering: Numbering, fits: object): { frame: string; told?: WireId[] } {
  const queue = new SendQueue(JSON.stringify({ $ts: 'msg', id: 3, text: 'x', ...fits }).length);
  const result: { frame: string; told?: WireId[] } = { frame: '' };
  queue
    .add('x', {
      ...numbering,
      onNumbered: (_id, before) => {
        if (before) result.told = before;
      },
    })
    .catch(() => {});
  queue.flush({ numbered: true, write: (data) => (result.frame = String(data)) });
  return result;
}

describe('SendQueue: a frame cut past its own copy', () => {
  it('tells every copy when the frame names none, its own first', () => {
    const { frame, told } = writeCut({ id: 3, session: 'S', was: S3, also: [T1] }, {});
    expect(JSON.parse(frame)).toEqual({ $ts: 'msg', id: 3, text: 'x' });
    expect(told).toEqual([S3, T1]);
  });

  it('tells every copy when the frame names all before its own', () => {
    const { frame, told } = writeCut({ id: 3, session: 'S', was: T1, also: [S3, U2] }, { was: T1 });
    expect(JSON.parse(frame)).toMatchObject({ was: T1 });
    expect(told).toEqual([T1, S3, U2]);
  });

  it('tells only what the frame names when it left out a copy before its own', () => {
    const { frame, told } = writeCut({ id: 3, session: 'S', was: T1, also: [S3, U2] }, {});
    expect(JSON.parse(frame)).toEqual({ $ts: 'msg', id: 3, text: 'x' });
    expect(told).toBeUndefined();
  });

  it('tells only what the frame names of a message written under a new id', () => {
    const { told } = writeCut({ was: S3, also: [T1] }, { was: S3 });
    expect(told).toEqual([S3]);
  });
});
