import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue';

describe('SerialQueue', () => {
  it('runs a task at once while idle, and keeps a synchronous answer synchronous', () => {
    const queue = new SerialQueue();
    expect(queue.run(() => 1)).toBe(1);
    expect(queue.idle).toBe(true);
  });

  it('runs the tasks after a pending one in the order given, a failure included', async () => {
    const queue = new SerialQueue();
    const order: string[] = [];
    let release = () => {};
    const first = queue.run(
      () =>
        new Promise<void>((resolve) => {
          release = () => {
            order.push('first');
            resolve();
          };
        }),
    );
    const failing = queue.run(() => {
      order.push('failing');
      throw new Error('no');
    });
    const third = queue.run(() => order.push('third'));
    expect(queue.idle).toBe(false);
    release();
    await first;
    await expect(failing).rejects.toThrow('no');
    await third;
    await queue.settled();
    expect(order).toEqual(['first', 'failing', 'third']);
    await Promise.resolve();
    expect(queue.idle).toBe(true);
  });
});
