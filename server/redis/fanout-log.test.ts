import { afterEach, describe, expect, it, vi } from 'vitest';
import { concerns, FanoutLog } from './fanout-log';

afterEach(() => {
  vi.useRealTimers();
});

describe('FanoutLog', () => {
  it('keeps the fan-outs after a mark, in order, and says which one is being made', () => {
    let now = 1_000;
    const log = new FanoutLog(10, () => now);
    log.begin(100);
    const making: Array<number | undefined> = [];
    log.make(101, { k: 'u', u: 'ann', d: 1 }, () => making.push(log.making));
    now = 2_000;
    log.make(102, { k: 'b', d: 2 }, () => {});
    expect(making).toEqual([101]);
    expect(log.making).toBeUndefined();
    expect(log.made).toBe(102);
    expect(log.after(100)).toEqual([
      { n: 101, message: { k: 'u', u: 'ann', d: 1 }, at: 1_000 },
      { n: 102, message: { k: 'b', d: 2 }, at: 2_000 },
    ]);
    expect(log.after(101)?.map((fanout) => fanout.n)).toEqual([102]);
    expect(log.after(102)).toEqual([]);
    expect(log.after(99)).toBeUndefined();
  });

  it('forgets the oldest beyond its limit, and starts again after a gap, counting what it missed', () => {
    const log = new FanoutLog(4);
    log.begin(10);
    for (let n = 11; n <= 16; n++) expect(log.make(n, { k: 'b', d: n }, () => {})).toBe(0);
    // Forgets a quarter of the limit at once, once a quarter over it.
    expect(log.completeAfter).toBe(12);
    expect(log.after(11)).toBeUndefined();
    expect(log.after(12)?.map((fanout) => fanout.n)).toEqual([13, 14, 15, 16]);
    expect(log.make(20, { k: 'b', d: 20 }, () => {})).toBe(3);
    expect(log.completeAfter).toBe(19);
    expect(log.after(16)).toBeUndefined();
    expect(log.after(19)?.map((fanout) => fanout.n)).toEqual([20]);
  });

  it('begins with the fan-outs made before it, from the last gap in their numbers on', () => {
    const log = new FanoutLog(10);
    const kept = (n: number) => ({ n, message: { k: 'b' as const, d: n }, at: n });
    log.begin(20, [kept(15), kept(17), kept(18), kept(19), kept(20)]);
    expect(log.completeAfter).toBe(16);
    expect(log.after(16)?.map((fanout) => fanout.n)).toEqual([17, 18, 19, 20]);
    expect(log.make(21, { k: 'b', d: 21 }, () => {})).toBe(0);
    const unkept = new FanoutLog(10);
    unkept.begin(20, [kept(18), kept(19)]);
    expect(unkept.completeAfter, 'the last is not the counter: none counts').toBe(20);
  });

  it('drops a fan-out numbered before it began: no session here counts it', () => {
    const log = new FanoutLog(10);
    log.begin(50);
    const apply = vi.fn();
    expect(log.make(49, { k: 'b', d: 49 }, apply)).toBe(0);
    expect(apply).not.toHaveBeenCalled();
    expect(log.after(50)).toEqual([]);
  });

  it('tells a waiter once a fan-out was made, or false after its time or at stop', async () => {
    vi.useFakeTimers();
    const log = new FanoutLog(10);
    log.begin(1);
    const made = log.reached(3, 100);
    const late = log.reached(9, 100);
    const stopped = log.reached(9, 10_000);
    log.make(2, { k: 'b', d: 2 }, () => {});
    log.make(3, { k: 'b', d: 3 }, () => {});
    await expect(made).resolves.toBe(true);
    vi.advanceTimersByTime(100);
    await expect(late).resolves.toBe(false);
    log.stop();
    await expect(stopped).resolves.toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    await expect(log.reached(3, 100)).resolves.toBe(true);
  });

  it('calls its listeners after each fan-out, until they stop listening', () => {
    const log = new FanoutLog(10);
    const heard: number[] = [];
    const stop = log.onMade(() => heard.push(log.made));
    log.make(1, { k: 'b', d: 1 }, () => {});
    stop();
    log.make(2, { k: 'b', d: 2 }, () => {});
    expect(heard).toEqual([1]);
  });
});

describe('concerns', () => {
  it('takes a broadcast, the user pushes of its user and the publishes of its topics', () => {
    expect(concerns({ k: 'b', d: 1 }, 'ann', [])).toBe(true);
    expect(concerns({ k: 'u', u: 'ann', d: 1 }, 'ann', [])).toBe(true);
    expect(concerns({ k: 'u', u: 'bob', d: 1 }, 'ann', [])).toBe(false);
    expect(concerns({ k: 't', t: 'prices', d: 1 }, 'ann', ['news', 'prices'])).toBe(true);
    expect(concerns({ k: 't', t: 'prices', d: 1 }, 'ann', ['news'])).toBe(false);
  });
});
