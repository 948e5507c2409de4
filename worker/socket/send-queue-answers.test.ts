/**
 * Review of bf0b74c/655d5c1: every answer of a tab flushes the queue (a flush stops at the
 * first message still waiting for its tab). Attacks on the order of the writes.
 */
import { expect, it } from 'vitest';
import type { SocketData } from '../../protocol/tab-hub';
import { SendQueue } from './send-queue';

/** A tab that answers the asks about its messages when the test says, in any order. */
function tab() {
  const answers = new Map<number, () => void>();
  return {
    confirm: (id: number) => new Promise<void>((heard) => answers.set(id, heard)),
    answer: (id: number) => answers.get(id)?.(),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A queue that flushes on every answer, as `WireLink` does, onto an open numbered socket. */
function openQueue() {
  const written: SocketData[] = [];
  const writer = { numbered: true, write: (data: SocketData) => written.push(data) };
  const queue: SendQueue = new SendQueue(undefined, () => queue.flush(writer));
  const ids = () => written.map((frame) => (JSON.parse(String(frame)) as { id: number }).id);
  return { queue, writer, ids };
}

it('writes in id order when the answers come in reverse, one flush per answer', async () => {
  const { queue, writer, ids } = openQueue();
  const one = tab();
  const two = tab();
  void queue.add('a', { confirm: one.confirm });
  void queue.add('b', { confirm: two.confirm });
  void queue.add('c', { confirm: one.confirm });
  queue.flush(writer);
  two.answer(2);
  one.answer(3);
  await settle();
  expect(ids()).toEqual([]);
  one.answer(1);
  await settle();
  expect(ids()).toEqual([1, 2, 3]);
});

it('drops a withdrawn first message on its settled ask and writes the told ones behind it, in order', async () => {
  const { queue, writer, ids } = openQueue();
  const gone = tab();
  const kept = tab();
  const withdrawn = new AbortController();
  const dropped = queue.add('of a dead hub', {
    confirm: gone.confirm,
    withdrawn: withdrawn.signal,
  });
  dropped.catch(() => {});
  void queue.add('b', { confirm: kept.confirm });
  void queue.add('c', { confirm: kept.confirm });
  queue.flush(writer);
  kept.answer(3);
  await settle();
  withdrawn.abort();
  gone.answer(1);
  await settle();
  // 'b' not told yet: nothing passes it.
  expect(ids()).toEqual([]);
  kept.answer(2);
  await settle();
  expect(ids()).toEqual([2, 3]);
  await expect(dropped).rejects.toBeDefined();
});
