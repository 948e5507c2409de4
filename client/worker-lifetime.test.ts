import { describe, expect, it } from 'vitest';
import { WorkerError } from '../protocol/errors';
import { newIncarnation } from './worker-lifetime';

function incarnation() {
  return newIncarnation(new MessageChannel().port1);
}

describe('newIncarnation', () => {
  describe('#race()', () => {
    it("answers the call's value while the worker lives", async () => {
      await expect(incarnation().race(Promise.resolve(7))).resolves.toBe(7);
    });

    it("passes the call's own rejection on", async () => {
      const failure = new Error('refused');
      await expect(incarnation().race(Promise.reject(failure))).rejects.toBe(failure);
    });

    it('rejects the calls in flight with the death, and none that already settled', async () => {
      const life = incarnation();
      const settled = life.race(Promise.resolve('done'));
      const pending = life.race(new Promise<never>(() => {}));
      await expect(settled).resolves.toBe('done');
      const death = new WorkerError('gone');
      life.markLost(death);
      await expect(pending).rejects.toBe(death);
    });

    it('rejects at once a call made after the death', async () => {
      const life = incarnation();
      const death = new WorkerError('gone');
      life.markLost(death);
      await expect(life.race(new Promise<never>(() => {}))).rejects.toBe(death);
    });

    it('leaves no unhandled rejection of a call made after the death that fails too', async () => {
      // Found by the simulation: a command queued on a worker given up as silent.
      const unhandled: unknown[] = [];
      const record = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', record);
      try {
        const life = incarnation();
        const death = new WorkerError('gone');
        life.markLost(death);
        await expect(life.race(Promise.reject(new Error('never attached')))).rejects.toBe(death);
        await new Promise((resolve) => setTimeout(resolve, 0));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', record);
      }
    });
  });
});
