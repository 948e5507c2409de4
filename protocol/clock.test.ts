import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Clock, MAX_TIMER_DELAY, systemClock, Timer } from './clock';

describe('Timer', () => {
  describe('on the system clock', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });

    afterEach(() => {
      vi.useRealTimers();
    });

    it('is not pending before start', () => {
      expect(new Timer(systemClock).pending).toBe(false);
    });

    it('fires once after the delay', () => {
      const timer = new Timer(systemClock);
      const callback = vi.fn();
      timer.start(1_000, callback);
      expect(timer.pending).toBe(true);

      vi.advanceTimersByTime(999);
      expect(callback).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(callback).toHaveBeenCalledTimes(1);
      expect(timer.pending).toBe(false);

      vi.advanceTimersByTime(10_000);
      expect(callback).toHaveBeenCalledTimes(1);
    });

    it('fires at once for a delay of 0 or below', () => {
      const timer = new Timer(systemClock);
      const callback = vi.fn();
      timer.start(-50, callback);
      vi.advanceTimersByTime(0);
      expect(callback).toHaveBeenCalledTimes(1);
    });

    it('replaces a pending timer on start, so the first callback never runs', () => {
      const timer = new Timer(systemClock);
      const first = vi.fn();
      const second = vi.fn();
      timer.start(1_000, first);
      vi.advanceTimersByTime(500);
      timer.start(1_000, second);

      vi.advanceTimersByTime(999);
      expect(first).not.toHaveBeenCalled();
      expect(second).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(second).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(10_000);
      expect(first).not.toHaveBeenCalled();
      expect(vi.getTimerCount()).toBe(0);
    });

    it('never fires after clear, and is no longer pending', () => {
      const timer = new Timer(systemClock);
      const callback = vi.fn();
      timer.start(1_000, callback);
      timer.clear();
      expect(timer.pending).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(5_000);
      expect(callback).not.toHaveBeenCalled();
    });

    it('ignores clear when nothing is pending', () => {
      const timer = new Timer(systemClock);
      expect(() => timer.clear()).not.toThrow();
      expect(timer.pending).toBe(false);
    });

    it('may be started again from its own callback', () => {
      const timer = new Timer(systemClock);
      const callback = vi.fn(() => {
        if (callback.mock.calls.length < 3) timer.start(100, callback);
      });
      timer.start(100, callback);
      vi.advanceTimersByTime(1_000);
      expect(callback).toHaveBeenCalledTimes(3);
      expect(timer.pending).toBe(false);
    });

    it('does not fire early for a delay over 2^31-1 ms', () => {
      const timer = new Timer(systemClock);
      const callback = vi.fn();
      const delay = 2 ** 31 + 5_000;
      timer.start(delay, callback);

      vi.advanceTimersByTime(2 ** 31);
      expect(callback).not.toHaveBeenCalled();
      expect(timer.pending).toBe(true);

      vi.advanceTimersByTime(delay - 2 ** 31 - 1);
      expect(callback).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(callback).toHaveBeenCalledTimes(1);
      expect(timer.pending).toBe(false);
    });
  });

  describe('on a clock whose timers fire early', () => {
    /** A clock moved by hand, whose timers run only when `fire` is called, at any time. */
    class ManualClock implements Clock {
      time = 0;
      readonly scheduled = new Set<{ callback: () => void; ms: number }>();

      now(): number {
        return this.time;
      }

      setTimeout(callback: () => void, ms: number): unknown {
        const entry = { callback, ms };
        this.scheduled.add(entry);
        return entry;
      }

      clearTimeout(handle: unknown): void {
        this.scheduled.delete(handle as { callback: () => void; ms: number });
      }

      /** Runs every scheduled callback now, whatever its delay. */
      fire(): void {
        const due = [...this.scheduled];
        this.scheduled.clear();
        for (const entry of due) entry.callback();
      }

      delays(): number[] {
        return [...this.scheduled].map((entry) => entry.ms);
      }
    }

    it('waits again for the remainder when the clock has not reached the deadline', () => {
      const clock = new ManualClock();
      const timer = new Timer(clock);
      const callback = vi.fn();
      timer.start(1_000, callback);
      expect(clock.delays()).toEqual([1_000]);

      clock.time = 400;
      clock.fire();
      expect(callback).not.toHaveBeenCalled();
      expect(timer.pending).toBe(true);
      expect(clock.delays()).toEqual([600]);

      clock.time = 1_000;
      clock.fire();
      expect(callback).toHaveBeenCalledTimes(1);
      expect(timer.pending).toBe(false);
      expect(clock.delays()).toEqual([]);
    });

    it('fires when the clock has passed the deadline', () => {
      const clock = new ManualClock();
      const timer = new Timer(clock);
      const callback = vi.fn();
      timer.start(1_000, callback);
      clock.time = 1_500;
      clock.fire();
      expect(callback).toHaveBeenCalledTimes(1);
    });

    it('asks the clock for at most 2^31-1 ms at a time', () => {
      const clock = new ManualClock();
      const timer = new Timer(clock);
      const callback = vi.fn();
      timer.start(2 ** 31 + 5_000, callback);
      expect(clock.delays()).toEqual([MAX_TIMER_DELAY]);

      clock.time = MAX_TIMER_DELAY;
      clock.fire();
      expect(callback).not.toHaveBeenCalled();
      expect(clock.delays()).toEqual([5_001]);
    });

    it('clears the re-armed timer, not the spent one', () => {
      const clock = new ManualClock();
      const timer = new Timer(clock);
      const callback = vi.fn();
      timer.start(1_000, callback);
      clock.time = 400;
      clock.fire();
      timer.clear();
      expect(clock.delays()).toEqual([]);
      expect(timer.pending).toBe(false);
    });
  });
});
