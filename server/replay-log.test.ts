import { describe, expect, it } from 'vitest';
import { ReplayLog } from './replay-log';

function setup(maxCount = 100, maxAge = 60_000) {
  let now = 0;
  const log = new ReplayLog({ maxCount, maxAge }, () => now);
  const append = (label: string) => log.append((seq) => `${seq}:${label}`).frame;
  return { log, append, advance: (ms: number) => (now += ms) };
}

describe('ReplayLog', () => {
  describe('#append()', () => {
    it('numbers pushes 1, 2, 3… in order and builds each frame with its number', () => {
      const { log, append } = setup();
      expect([append('a'), append('b'), append('c')]).toEqual(['1:a', '2:b', '3:c']);
      expect(log.head).toBe(3);
    });
  });

  describe('#since()', () => {
    it('answers the pushes after `last`, oldest first', () => {
      const { log, append } = setup();
      for (const label of ['a', 'b', 'c', 'd']) append(label);
      expect(log.since(1)).toEqual(['2:b', '3:c', '4:d']);
      expect(log.since(0)).toEqual(['1:a', '2:b', '3:c', '4:d']);
    });

    it('answers nothing to replay for a client that has everything', () => {
      const { log, append } = setup();
      append('a');
      expect(log.since(1)).toEqual([]);
      expect(new ReplayLog({ maxCount: 1, maxAge: 1 }).since(0)).toEqual([]);
    });

    it('answers undefined (resync) once a push after `last` fell out of maxCount', () => {
      const { log, append } = setup(3);
      for (const label of ['a', 'b', 'c', 'd', 'e']) append(label);
      expect(log.size).toBe(3);
      expect(log.since(1)).toBeUndefined();
      expect(log.since(2)).toEqual(['3:c', '4:d', '5:e']);
    });

    it('answers undefined (resync) once a push after `last` is older than maxAge', () => {
      const { log, append, advance } = setup(100, 1_000);
      append('old');
      advance(600);
      append('newer');
      advance(500);
      expect(log.since(0)).toBeUndefined();
      expect(log.since(1)).toEqual(['2:newer']);
      advance(1_000);
      expect(log.since(2)).toEqual([]);
      expect(log.since(1)).toBeUndefined();
    });

    it('answers undefined for a `last` beyond the head (a server that lost its state)', () => {
      const { log, append } = setup();
      append('a');
      expect(log.since(5)).toBeUndefined();
      expect(log.since(-1)).toBeUndefined();
      expect(log.since(0.5)).toBeUndefined();
    });

    it('keeps no entry with maxCount 0, yet numbers pushes on', () => {
      const { log, append } = setup(0);
      append('a');
      append('b');
      expect(log.head).toBe(2);
      expect(log.since(1)).toBeUndefined();
      expect(log.since(2)).toEqual([]);
    });
  });
});
