import { describe, expect, it, vi } from 'vitest';
import { RepeatingTimer } from './repeating-timer';
import { FakeClock } from './test-support/fake-clock';

describe('RepeatingTimer', () => {
  it('ticks every ms from start, not before', () => {
    const clock = new FakeClock();
    const tick = vi.fn();
    new RepeatingTimer(clock, 100, tick).start();
    clock.advance(99);
    expect(tick).not.toHaveBeenCalled();
    clock.advance(1);
    expect(tick).toHaveBeenCalledTimes(1);
    clock.advance(250);
    expect(tick).toHaveBeenCalledTimes(3);
  });

  it('keeps one timer however often it is started', () => {
    const clock = new FakeClock();
    const timer = new RepeatingTimer(clock, 100, () => {});
    timer.start();
    timer.start();
    expect(timer.running).toBe(true);
    expect(clock.pending).toBe(1);
    clock.advance(100);
    expect(clock.pending).toBe(1);
  });

  it('leaves nothing pending after stop, also from its own tick', () => {
    const clock = new FakeClock();
    const timer: RepeatingTimer = new RepeatingTimer(clock, 100, () => timer.stop());
    timer.start();
    clock.advance(100);
    expect(timer.running).toBe(false);
    expect(clock.pending).toBe(0);

    const other = new RepeatingTimer(clock, 100, () => {});
    other.start();
    other.stop();
    expect(clock.pending).toBe(0);
  });
});
