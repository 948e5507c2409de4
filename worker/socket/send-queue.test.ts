import { describe, expect, it, vi } from 'vitest';
import {
  ConnectionClosedError,
  OutboxFullError,
  TabSocketError,
  TooLargeError,
} from '../../protocol/errors';
import type { SocketData } from '../../protocol/tab-hub';
import { refuseSend } from '../share/send-gate';
import { SendQueue, type SendWriter } from './send-queue';

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

/** A queue behind the hub's gate (`refuseSend`), where every send enters (`SharedConnection.send`). */
function admitted(queue: SendQueue, outboxLimit: number) {
  return (data: SocketData): Promise<void> => {
    const refusal = refuseSend('open', queue.size, outboxLimit);
    return refusal ? Promise.reject(refusal) : queue.add(data);
  };
}

function writer(numbered = false): SendWriter & { written: SocketData[] } {
  const written: SocketData[] = [];
  return { numbered, written, write: (data) => written.push(data) };
}

describe('SendQueue', () => {
  describe('maxPayload', () => {
    it('rejects at once a message over it, never queued; binary by its byteLength', async () => {
      const queue = new SendQueue(100);
      await expect(queue.add('x'.repeat(101), {}, false)).rejects.toBeInstanceOf(TooLargeError);
      await expect(queue.add(new Uint8Array(101))).rejects.toMatchObject({
        code: 'TS_ERR_TOO_LARGE',
      });
      expect(queue.size).toBe(0);
      const fits = track(queue.add(new Uint8Array(100)));
      queue.flush(writer(true));
      await settle();
      expect(fits.status).toBe('resolved');
    });

    it('counts text as written: UTF-8 bytes, inside its msg frame, escaping included', async () => {
      const frameOf = (text: string) => JSON.stringify({ $ts: 'msg', id: 1, text });
      const quotes = '"'.repeat(40);
      // 40 characters, but 80 once escaped, and 26 more of frame around them.
      const queue = new SendQueue(frameOf(quotes).length - 1);
      await expect(queue.add(quotes)).rejects.toBeInstanceOf(TooLargeError);
      const euro = '€'.repeat(30); // 30 characters, 90 bytes
      const tight = new SendQueue(Buffer.byteLength(frameOf(euro)));
      const fits = track(tight.add(euro));
      await expect(tight.add(`${euro}€`)).rejects.toBeInstanceOf(TooLargeError);
      const numbered = writer(true);
      tight.flush(numbered);
      expect(numbered.written).toEqual([frameOf(euro)]);
      tight.ack(1);
      await settle();
      expect(fits.status).toBe('resolved');
    });

    it('measures again as it writes: a limit lowered since rejects the message, the others go', async () => {
      const queue = new SendQueue(1000);
      const big = track(queue.add('x'.repeat(200)));
      const small = track(queue.add('y'));
      queue.maxPayload = 100;
      const numbered = writer(true);
      queue.flush(numbered);
      expect(numbered.written).toEqual(['{"$ts":"msg","id":1,"text":"y"}']);
      await settle();
      expect(big.status).toBe('rejected');
      expect(big.error).toBeInstanceOf(TooLargeError);
      expect(small.status).toBe('pending');
    });

    it('refuseLargest rejects the largest unacked message, never resent, and answers its size', async () => {
      const queue = new SendQueue(1000);
      const small = track(queue.add('a'));
      const big = track(queue.add('b'.repeat(500)));
      queue.flush(writer(true));
      expect(queue.refuseLargest()).toBe('{"$ts":"msg","id":2,"text":""}'.length + 500);
      await settle();
      expect(big.error).toBeInstanceOf(TooLargeError);
      expect(small.status).toBe('pending');
      expect(queue.unackedFrames()).toEqual(['{"$ts":"msg","id":1,"text":"a"}']);
      expect(queue.refuseLargest()).toBe('{"$ts":"msg","id":1,"text":"a"}'.length);
    });

    it('refuse(id) rejects that message with the error given, and it is not resent', async () => {
      const queue = new SendQueue();
      const first = track(queue.add('a'));
      queue.flush(writer(true));
      queue.refuse(1, new TooLargeError('no'));
      await settle();
      expect(first.error).toBeInstanceOf(TooLargeError);
      expect(queue.unackedFrames()).toEqual([]);
    });
  });

  describe('#add()', () => {
    it('queues messages without settling them', async () => {
      const queue = new SendQueue();
      const first = track(queue.add('a'));
      const second = track(queue.add('b'));
      await settle();
      expect(queue.size).toBe(2);
      expect(first.status).toBe('pending');
      expect(second.status).toBe('pending');
    });

    it('rejects with OutboxFullError when the limit is reached, leaving the queue untouched', async () => {
      const queue = new SendQueue();
      const add = admitted(queue, 2);
      const first = track(add('a'));
      const second = track(add('b'));
      const refused = add('c');

      await expect(refused).rejects.toBeInstanceOf(OutboxFullError);
      await expect(refused).rejects.toBeInstanceOf(TabSocketError);
      await expect(refused).rejects.toMatchObject({ code: 'TS_ERR_OUTBOX_FULL' });
      await expect(refused).rejects.toThrow('2 messages');
      expect(queue.size).toBe(2);
      expect(first.status).toBe('pending');

      const plain = writer();
      queue.flush(plain);
      expect(plain.written).toEqual(['a', 'b']);
      await settle();
      expect(first.status).toBe('resolved');
      expect(second.status).toBe('resolved');
    });

    it('rejects every message when the limit is 0', async () => {
      const queue = new SendQueue();
      const add = admitted(queue, 0);
      await expect(add('a')).rejects.toBeInstanceOf(OutboxFullError);
      expect(queue.size).toBe(0);
    });

    it('accepts messages again once a plain flush has made room', async () => {
      const queue = new SendQueue();
      const add = admitted(queue, 1);
      void add('a');
      queue.flush(writer());
      const next = track(add('b'));
      await settle();
      expect(next.status).toBe('pending');
      expect(queue.size).toBe(1);
    });

    it('counts written messages that wait for their ack toward the limit', async () => {
      const queue = new SendQueue();
      const add = admitted(queue, 2);
      void add('a');
      queue.flush(writer(true));
      void add('b');
      await expect(add('c')).rejects.toBeInstanceOf(OutboxFullError);
      queue.ack(1);
      expect(track(add('c')).status).toBe('pending');
    });
  });

  describe('#flush()', () => {
    it('writes the messages in the order they were queued, binary as it is', () => {
      const queue = new SendQueue();
      const bytes = new Uint8Array([1, 2]);
      for (const data of ['a', bytes, 'c']) void queue.add(data);
      const plain = writer();
      queue.flush(plain);
      expect(plain.written).toEqual(['a', bytes, 'c']);
      expect(plain.written[1]).toBe(bytes);
    });

    it('resolves each plain message only after it was written', async () => {
      const queue = new SendQueue();
      const events: string[] = [];
      void queue.add('a').then(() => events.push('resolved a'));
      void queue.add('b').then(() => events.push('resolved b'));
      await settle();
      expect(events).toEqual([]);
      queue.flush({ numbered: false, write: (data) => events.push(`wrote ${String(data)}`) });
      await settle();
      expect(events).toEqual(['wrote a', 'wrote b', 'resolved a', 'resolved b']);
    });

    it('numbers text 1, 2, 3… and settles each on its ack; binary settles once written', async () => {
      const queue = new SendQueue();
      const first = track(queue.add('a'));
      const bytes = track(queue.add(new Uint8Array([1])));
      const second = track(queue.add('b'));
      const numbered = writer(true);
      queue.flush(numbered);
      expect(numbered.written).toEqual([
        '{"$ts":"msg","id":1,"text":"a"}',
        new Uint8Array([1]),
        '{"$ts":"msg","id":2,"text":"b"}',
      ]);
      await settle();
      expect([first.status, bytes.status, second.status]).toEqual([
        'pending',
        'resolved',
        'pending',
      ]);
      queue.ack(2);
      queue.ack(9);
      await settle();
      expect(second.status).toBe('resolved');
      expect(queue.size).toBe(1);
      expect(queue.unackedFrames()).toEqual(['{"$ts":"msg","id":1,"text":"a"}']);
    });

    it('rejects a message whose write throws, and writes the next', async () => {
      const queue = new SendQueue();
      const refused = queue.add('a');
      const next = track(queue.add('b'));
      queue.flush({
        numbered: false,
        write: (data) => {
          if (data === 'a') throw new DOMException('closing', 'InvalidStateError');
        },
      });
      await expect(refused).rejects.toBeInstanceOf(ConnectionClosedError);
      await settle();
      expect(next.status).toBe('resolved');
    });

    it('keeps no numbered message the socket refused: it is rejected, not counted, never resent', async () => {
      const queue = new SendQueue();
      const refused = queue.add('a');
      const next = queue.add('b');
      let calls = 0;
      queue.flush({
        numbered: true,
        write: () => {
          calls += 1;
          if (calls === 1) throw new DOMException('closing', 'InvalidStateError');
        },
      });
      await expect(refused).rejects.toBeInstanceOf(ConnectionClosedError);
      expect(queue.size).toBe(1);
      expect(queue.unackedFrames()).toEqual(['{"$ts":"msg","id":1,"text":"b"}']);
      queue.ack(1);
      await next;
    });

    it('empties the queue, so a second flush writes nothing', () => {
      const queue = new SendQueue();
      void queue.add('a');
      queue.flush(writer());
      expect(queue.size).toBe(0);
      const write = vi.fn();
      queue.flush({ numbered: false, write });
      expect(write).not.toHaveBeenCalled();
    });
  });

  describe('#requeueUnacked()', () => {
    it('puts unacked messages back ahead of the rest, ids kept, to be written plainly', async () => {
      const queue = new SendQueue();
      const first = track(queue.add('a'));
      queue.flush(writer(true));
      void queue.add('b');
      queue.requeueUnacked({ renumber: false });
      expect(queue.unackedFrames()).toEqual([]);
      const plain = writer();
      queue.flush(plain);
      expect(plain.written).toEqual(['a', 'b']);
      await settle();
      expect(first.status).toBe('resolved');
    });

    it('renumbers from 1 for a fresh session, promises kept', async () => {
      const queue = new SendQueue();
      const first = track(queue.add('a'));
      const second = track(queue.add('b'));
      queue.flush(writer(true));
      queue.ack(1);
      queue.requeueUnacked({ renumber: true });
      const numbered = writer(true);
      queue.flush(numbered);
      expect(numbered.written).toEqual(['{"$ts":"msg","id":1,"text":"b"}']);
      queue.ack(1);
      await settle();
      expect([first.status, second.status]).toEqual(['resolved', 'resolved']);
    });
  });

  describe('confirm', () => {
    /** A tab that confirms: it records each id it is asked about, and answers when told. */
    function confirmingTab() {
      const asked: number[] = [];
      const answers: Array<() => void> = [];
      return {
        asked,
        answerAll: () => {
          for (const answer of answers.splice(0)) answer();
        },
        confirm: (id: number) =>
          new Promise<void>((heard) => {
            asked.push(id);
            answers.push(heard);
          }),
      };
    }

    it('writes a message only once its tab heard its id, and every later one behind it', async () => {
      const confirmed = vi.fn();
      const queue = new SendQueue(undefined, confirmed);
      const tab = confirmingTab();
      void queue.add('a', { confirm: tab.confirm });
      void queue.add('b');
      void queue.add('c', { confirm: tab.confirm });
      const numbered = writer(true);
      queue.flush(numbered);
      // Both asked at once, under the ids they will be written under; 'b' waits unnumbered.
      expect(tab.asked).toEqual([1, 2]);
      expect(numbered.written).toEqual([]);
      queue.flush(numbered);
      expect(tab.asked).toEqual([1, 2]);
      tab.answerAll();
      await settle();
      expect(confirmed).toHaveBeenCalled();
      queue.flush(numbered);
      expect(numbered.written).toEqual([
        '{"$ts":"msg","id":1,"text":"a"}',
        '{"$ts":"msg","id":3,"text":"b"}',
        '{"$ts":"msg","id":2,"text":"c"}',
      ]);
    });

    it('takes the id another hub wrote it under, so that no message behind it takes that id too', () => {
      const queue = new SendQueue();
      const tab = confirmingTab();
      void queue.add('again', { id: 1, confirm: tab.confirm });
      void queue.add('new', { confirm: tab.confirm });
      queue.flush(writer(true));
      expect(tab.asked).toEqual([1, 2]);
    });

    it('writes a message re-posted under its id ahead of a new one numbered past it, asked already', async () => {
      // A fresh hub from a tab's cursor: new sends go past the reservation (65); a re-post
      // under 1 written after 65 would fall below a dedupe window of 64 (sim seed 307).
      const queue = new SendQueue();
      queue.continueFrom(65);
      const tab = confirmingTab();
      void queue.add('new', { confirm: tab.confirm });
      const numbered = writer(true);
      queue.flush(numbered);
      expect(tab.asked).toEqual([65]);
      void queue.add('again', { id: 1, confirm: tab.confirm });
      void queue.add('later', { id: 70, confirm: tab.confirm });
      queue.flush(numbered);
      expect(tab.asked).toEqual([65, 1, 70]);
      tab.answerAll();
      await settle();
      queue.flush(numbered);
      expect(numbered.written).toEqual([
        '{"$ts":"msg","id":1,"text":"again"}',
        '{"$ts":"msg","id":65,"text":"new"}',
        '{"$ts":"msg","id":70,"text":"later"}',
      ]);
    });

    it('asks again under the fresh session’s id: an answer about the old one does not count', async () => {
      const queue = new SendQueue();
      const tab = confirmingTab();
      void queue.add('x');
      const numbered = writer(true);
      queue.flush(numbered);
      void queue.add('a', { confirm: tab.confirm });
      queue.flush(numbered);
      expect(tab.asked).toEqual([2]);
      queue.requeueUnacked({ renumber: true });
      tab.answerAll();
      await settle();
      queue.flush(numbered);
      // 'x' went again under the fresh session's id 1; 'a' waits for the answer about its 2.
      expect(tab.asked).toEqual([2, 2]);
      expect(numbered.written.filter((frame) => String(frame).includes('"a"'))).toEqual([]);
      tab.answerAll();
      await settle();
      queue.flush(numbered);
      expect(numbered.written.at(-1)).toBe('{"$ts":"msg","id":2,"text":"a"}');
    });
  });

  describe('#rejectAll()', () => {
    it('rejects waiting and unacked messages with the given error and empties the queue', async () => {
      const queue = new SendQueue();
      const unacked = track(queue.add('a'));
      queue.flush(writer(true));
      const waiting = ['b', 'c'].map((data) => track(queue.add(data)));
      const error = new ConnectionClosedError('closed');
      queue.rejectAll(error);
      expect(queue.size).toBe(0);
      expect(queue.unackedFrames()).toEqual([]);
      await settle();
      for (const outcome of [unacked, ...waiting]) {
        expect(outcome.status).toBe('rejected');
        expect(outcome.error).toBe(error);
      }
    });

    it('does not touch promises already resolved by a flush', async () => {
      const queue = new SendQueue();
      const flushed = track(queue.add('a'));
      queue.flush(writer());
      const queued = track(queue.add('b'));
      queue.rejectAll(new ConnectionClosedError('closed'));
      await settle();
      expect(flushed.status).toBe('resolved');
      expect(queued.status).toBe('rejected');
    });
  });
});
