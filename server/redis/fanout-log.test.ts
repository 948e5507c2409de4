import { describe, expect, it } from 'vitest';
import { FanoutLog, type FanoutMessage } from './fanout-log';

const bodyOf = (message: FanoutMessage) => JSON.stringify(message.d);
const ann = { userId: 'ann', topics: new Set<string>() };

describe('FanoutLog', () => {
  it('gives a resume the remembered fan-outs for its session: its user pushes and broadcasts', () => {
    const log = new FanoutLog(10, bodyOf);
    log.begin(100);
    const made: number[] = [];
    log.make(101, { k: 'u', u: 'ann', d: 1 }, () => made.push(log.making ?? -1));
    log.make(102, { k: 'u', u: 'bob', d: 2 }, () => {});
    log.make(103, { k: 'b', d: 3 }, () => {});
    expect(made).toEqual([101]);
    expect(log.making).toBeUndefined();
    expect(log.catchUp(ann)).toEqual({
      made: 103,
      completeAfter: 100,
      entries: [
        [101, '1'],
        [103, '3'],
      ],
    });
  });

  it("marks a topic publish as unknown while the session's topics are not known yet", () => {
    const log = new FanoutLog(10, bodyOf);
    log.begin(0);
    log.make(1, { k: 't', t: 'prices', d: 1 }, () => {});
    expect(log.catchUp(ann).entries).toEqual([[1, '']]);
    expect(log.catchUp({ userId: 'ann', topics: new Set(['prices']) }).entries).toEqual([[1, '1']]);
    expect(log.catchUp({ userId: 'ann', topics: new Set(['news']) }).entries).toEqual([]);
  });

  it('forgets the oldest beyond its limit, and starts again after a gap, counting what it missed', () => {
    const log = new FanoutLog(2, bodyOf);
    log.begin(10);
    for (const n of [11, 12, 13]) expect(log.make(n, { k: 'b', d: n }, () => {})).toBe(0);
    expect(log.catchUp(ann).completeAfter).toBe(11);
    expect(log.make(20, { k: 'b', d: 20 }, () => {})).toBe(6);
    expect(log.catchUp(ann)).toEqual({ made: 20, completeAfter: 19, entries: [[20, '20']] });
  });

  it('makes a fan-out numbered before it began without counting a gap', () => {
    const log = new FanoutLog(10, bodyOf);
    log.begin(50);
    const made: number[] = [];
    expect(log.make(49, { k: 'b', d: 49 }, () => made.push(log.making ?? -1))).toBe(0);
    expect(made).toEqual([49]);
    expect(log.catchUp(ann)).toEqual({ made: 50, completeAfter: 50, entries: [] });
  });
});
