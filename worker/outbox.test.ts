import { describe, expect, it, vi } from 'vitest';
import { ConnectionClosedError, OutboxFullError, TabSocketError } from './errors';
import { type OutboundData, Outbox } from './outbox';

/** Records each promise's outcome as it settles, without leaving a rejection unhandled. */
function track(promise: Promise<void>) {
  const outcome: { status: 'pending' | 'resolved' | 'rejected'; error?: unknown } = {
    status: 'pending',
  };
  promise.then(
    () => {
      outcome.status = 'resolved';
    },
    (error: unknown) => {
      outcome.status = 'rejected';
      outcome.error = error;
    },
  );
  return outcome;
}

/** Lets the promise callbacks queued so far run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('Outbox', () => {
  describe('#enqueue', () => {
    it('queues messages without settling them', async () => {
      const outbox = new Outbox(10);
      const first = track(outbox.enqueue('a'));
      const second = track(outbox.enqueue('b'));
      await settle();
      expect(outbox.size).toBe(2);
      expect(first.status).toBe('pending');
      expect(second.status).toBe('pending');
    });

    it('rejects with OutboxFullError when the limit is reached, leaving the queue untouched', async () => {
      const outbox = new Outbox(2);
      const first = track(outbox.enqueue('a'));
      const second = track(outbox.enqueue('b'));
      const refused = outbox.enqueue('c');

      await expect(refused).rejects.toBeInstanceOf(OutboxFullError);
      await expect(refused).rejects.toBeInstanceOf(TabSocketError);
      await expect(refused).rejects.toMatchObject({ code: 'TS_ERR_OUTBOX_FULL' });
      await expect(refused).rejects.toThrow('2 messages');
      expect(outbox.size).toBe(2);
      expect(first.status).toBe('pending');
      expect(second.status).toBe('pending');

      const written: OutboundData[] = [];
      outbox.flush((data) => {
        written.push(data);
      });
      expect(written).toEqual(['a', 'b']);
      await settle();
      expect(first.status).toBe('resolved');
      expect(second.status).toBe('resolved');
    });

    it('rejects every message when the limit is 0', async () => {
      const outbox = new Outbox(0);
      await expect(outbox.enqueue('a')).rejects.toBeInstanceOf(OutboxFullError);
      await expect(outbox.enqueue('b')).rejects.toBeInstanceOf(OutboxFullError);
      expect(outbox.size).toBe(0);
    });

    it('accepts messages again once a flush has made room', async () => {
      const outbox = new Outbox(1);
      void outbox.enqueue('a');
      outbox.flush(() => {});
      const next = track(outbox.enqueue('b'));
      await settle();
      expect(next.status).toBe('pending');
      expect(outbox.size).toBe(1);
    });
  });

  describe('#flush', () => {
    it('settles each message as the promise its write answers (an ack)', async () => {
      const outbox = new Outbox(10);
      const acked = outbox.enqueue('a');
      const refused = outbox.enqueue('b');
      let ack: () => void = () => {};
      outbox.flush((data) =>
        data === 'a'
          ? new Promise<void>((resolve) => {
              ack = resolve;
            })
          : Promise.reject(new OutboxFullError('no')),
      );
      await expect(refused).rejects.toBeInstanceOf(OutboxFullError);
      let settled = false;
      void acked.then(() => {
        settled = true;
      });
      await settle();
      expect(settled).toBe(false);
      ack();
      await acked;
    });

    it('counts messages waiting elsewhere toward the limit', async () => {
      const outbox = new Outbox(3);
      void outbox.enqueue('a', 2);
      await expect(outbox.enqueue('b', 2)).rejects.toBeInstanceOf(OutboxFullError);
    });

    it('writes the messages in the order they were queued', () => {
      const outbox = new Outbox(10);
      const bytes = new Uint8Array([1, 2]);
      for (const data of ['a', bytes, 'c']) void outbox.enqueue(data);
      const written: OutboundData[] = [];
      outbox.flush((data) => {
        written.push(data);
      });
      expect(written).toEqual(['a', bytes, 'c']);
      expect(written[1]).toBe(bytes);
    });

    it('resolves each promise only after its message was written', async () => {
      const outbox = new Outbox(10);
      const events: string[] = [];
      void outbox.enqueue('a').then(() => events.push('resolved a'));
      void outbox.enqueue('b').then(() => events.push('resolved b'));
      await settle();
      expect(events).toEqual([]);

      outbox.flush((data) => {
        events.push(`wrote ${String(data)}`);
      });
      await settle();
      expect(events).toEqual(['wrote a', 'wrote b', 'resolved a', 'resolved b']);
    });

    it('empties the queue, so a second flush writes nothing', () => {
      const outbox = new Outbox(10);
      void outbox.enqueue('a');
      outbox.flush(() => {});
      expect(outbox.size).toBe(0);
      const write = vi.fn();
      outbox.flush(write);
      expect(write).not.toHaveBeenCalled();
    });
  });

  describe('#rejectAll', () => {
    it('rejects each queued promise with the given error and empties the queue', async () => {
      const outbox = new Outbox(10);
      const outcomes = ['a', 'b', 'c'].map((data) => track(outbox.enqueue(data)));
      const error = new ConnectionClosedError('closed');
      outbox.rejectAll(error);
      expect(outbox.size).toBe(0);
      await settle();
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        expect(outcome.error).toBe(error);
      }
    });

    it('leaves nothing for a later flush to write', () => {
      const outbox = new Outbox(10);
      void outbox.enqueue('a').catch(() => {});
      void outbox.enqueue('b').catch(() => {});
      outbox.rejectAll(new ConnectionClosedError('closed'));
      const write = vi.fn();
      outbox.flush(write);
      expect(write).not.toHaveBeenCalled();
    });

    it('does not touch promises already resolved by a flush', async () => {
      const outbox = new Outbox(10);
      const flushed = track(outbox.enqueue('a'));
      outbox.flush(() => {});
      const queued = track(outbox.enqueue('b'));
      outbox.rejectAll(new ConnectionClosedError('closed'));
      await settle();
      expect(flushed.status).toBe('resolved');
      expect(queued.status).toBe('rejected');
    });
  });
});
