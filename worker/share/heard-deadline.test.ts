import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../protocol/clock';
import { HEARD_DEADLINE_MS, HeardWrites } from './tab-send';

const wire = (id: number) => ({ session: 's1', id });

/** Whether `promise` settled by now (after the microtasks queued so far). */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('HeardWrites: a tab that does not answer', () => {
  it('lets its send go at the deadline, the next ones at once, until it answers again', async () => {
    const writes = new HeardWrites(() => true, systemClock);
    const first = writes.ask('hung', 1, wire(1));
    await vi.advanceTimersByTimeAsync(HEARD_DEADLINE_MS - 1);
    expect(await settled(first)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(first)).toBe(true);
    // Unresponsive: not waited for.
    expect(await settled(writes.ask('hung', 2, wire(2)))).toBe(true);
    // It answers (late, about its first send): its next send waits for it again.
    writes.heard('hung', 1, wire(1));
    expect(await settled(writes.ask('hung', 3, wire(3)))).toBe(false);
  });

  it('holds another tab no longer than the deadline, and that tab stays responsive', async () => {
    const writes = new HeardWrites(() => true, systemClock);
    void writes.ask('hung', 1, wire(1));
    await vi.advanceTimersByTimeAsync(HEARD_DEADLINE_MS / 2);
    const live = writes.ask('live', 1, wire(2));
    writes.heard('live', 1, wire(2));
    expect(await settled(live)).toBe(true);
    await vi.advanceTimersByTimeAsync(HEARD_DEADLINE_MS / 2);
    // The hung tab's deadline passed; the live tab still answers, and is asked.
    const next = writes.ask('live', 2, wire(3));
    expect(await settled(next)).toBe(false);
    writes.heard('live', 2, wire(3));
    expect(await settled(next)).toBe(true);
  });

  it('leaves no timer once nothing waits', async () => {
    const writes = new HeardWrites(() => true, systemClock);
    void writes.ask('tab', 1, wire(1));
    expect(vi.getTimerCount()).toBe(1);
    writes.heard('tab', 1, wire(1));
    expect(vi.getTimerCount()).toBe(0);
  });
});
