import { describe, expect, it } from 'vitest';
import type { PushEntry } from '../stores/replay-store';
import { FakeClock } from '../test-support/fake-clock';
import { ReplayLog } from './replay-log';

function setup(maxCount = 100, maxAge = 60_000, maxBytes = 1_000_000) {
  const clock = new FakeClock();
  const log = new ReplayLog({ maxCount, maxAge, maxBytes }, clock);
  const append = (label: string, bytes = 10) => `${log.append({ body: label, bytes })}:${label}`;
  const since = (last: number) => log.since(last)?.map(show);
  return { log, append, since, advance: (ms: number) => clock.advance(ms) };
}

function show(entry: PushEntry): string {
  return `${entry.seq}:${entry.payload.body}`;
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
      const { append, since } = setup();
      for (const label of ['a', 'b', 'c', 'd']) append(label);
      expect(since(1)).toEqual(['2:b', '3:c', '4:d']);
      expect(since(0)).toEqual(['1:a', '2:b', '3:c', '4:d']);
    });

    it('answers nothing to replay for a client that has everything', () => {
      const { append, since } = setup();
      append('a');
      expect(since(1)).toEqual([]);
      expect(
        new ReplayLog({ maxCount: 1, maxAge: 1, maxBytes: 1 }, new FakeClock()).since(0),
      ).toEqual([]);
    });

    it('answers undefined (resync) once a push after `last` fell out of maxCount', () => {
      const { log, append, since } = setup(3);
      for (const label of ['a', 'b', 'c', 'd', 'e']) append(label);
      expect(log.size).toBe(3);
      expect(since(1)).toBeUndefined();
      expect(since(2)).toEqual(['3:c', '4:d', '5:e']);
    });

    it('answers undefined (resync) once a push after `last` is older than maxAge', () => {
      const { append, since, advance } = setup(100, 1_000);
      append('old');
      advance(600);
      append('newer');
      advance(500);
      expect(since(0)).toBeUndefined();
      expect(since(1)).toEqual(['2:newer']);
      advance(1_000);
      expect(since(2)).toEqual([]);
      expect(since(1)).toBeUndefined();
    });

    it('answers undefined for a `last` beyond the head (a server that lost its state)', () => {
      const { append, since } = setup();
      append('a');
      expect(since(5)).toBeUndefined();
      expect(since(-1)).toBeUndefined();
      expect(since(0.5)).toBeUndefined();
      expect(since(2 ** 53)).toBeUndefined();
      expect(since(Number.NaN)).toBeUndefined();
    });

    it('keeps no entry with maxCount 0, yet numbers pushes on', () => {
      const { log, append, since } = setup(0);
      append('a');
      append('b');
      expect(log.head).toBe(2);
      expect(since(1)).toBeUndefined();
      expect(since(2)).toEqual([]);
    });

    it('answers undefined (resync) once a push after `last` fell out of maxBytes', () => {
      const { log, append, since } = setup(100, 60_000, 250);
      for (const label of ['a', 'b', 'c', 'd']) append(label, 100);
      expect(log).toMatchObject({ size: 2, bytes: 200 });
      expect(since(1)).toBeUndefined();
      expect(since(2)).toEqual(['3:c', '4:d']);
    });

    it('keeps nothing of a push larger than maxBytes, yet numbers it', () => {
      const { log, append, since } = setup(100, 60_000, 250);
      append('a', 100);
      append('huge', 300);
      expect(log).toMatchObject({ head: 2, size: 0, bytes: 0 });
      expect(since(1)).toBeUndefined();
      expect(since(2)).toEqual([]);
    });
  });

  describe('memory', () => {
    it('keeps the payload it was given, not a copy: a broadcast is kept once', () => {
      const payload = { body: '"data":1', bytes: 30 };
      const logs = [setup().log, setup().log];
      for (const log of logs) log.append(payload);
      expect(logs[0]?.since(0)?.[0]?.payload).toBe(payload);
      expect(logs[1]?.since(0)?.[0]?.payload).toBe(payload);
    });

    it('stays bounded and in order over a long stream', () => {
      const { log, append, since } = setup(10);
      for (let n = 1; n <= 100_000; n++) append(`p${n}`);
      expect(log.size).toBe(10);
      expect(since(99_998)).toEqual(['99999:p99999', '100000:p100000']);
    });
  });
});
