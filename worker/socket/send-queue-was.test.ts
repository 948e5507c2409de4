/** A message written (or perhaps written) under another session says so in its frame: `was`. */
import { describe, expect, it } from 'vitest';
import type { SocketData } from '../../protocol/tab-hub';
import { SendQueue, type SendWriter } from './send-queue';

function writer(): SendWriter & { frames: () => unknown[] } {
  const written: SocketData[] = [];
  return {
    numbered: true,
    write: (data) => written.push(data),
    frames: () => written.map((data) => JSON.parse(data as string)),
  };
}

describe('SendQueue: where a message was written before (was)', () => {
  it('writes `was` in the frame of a message that carries it, and nothing in the others', () => {
    const queue = new SendQueue();
    queue.add('again', { was: { session: 'S1', id: 7 } }).catch(() => {});
    queue.add('new').catch(() => {});
    const socket = writer();
    queue.flush(socket);
    expect(socket.frames()).toEqual([
      { $ts: 'msg', id: 1, text: 'again', was: { session: 'S1', id: 7 } },
      { $ts: 'msg', id: 2, text: 'new' },
    ]);
  });

  it('writes a message that fits only without its `was` without it, not refused (review 15)', () => {
    const frame = JSON.stringify({ $ts: 'msg', id: 1, text: 'x', was: { session: 'S1', id: 7 } });
    const queue = new SendQueue(frame.length - 1);
    queue.add('x', { was: { session: 'S1', id: 7 } }).catch(() => {});
    expect(queue.size).toBe(1);
    const socket = writer();
    queue.flush(socket);
    expect(socket.frames()).toEqual([{ $ts: 'msg', id: 1, text: 'x' }]);
  });

  it('renumbered from a session, says the id a message was written or carried under there', () => {
    const queue = new SendQueue();
    queue.add('written').catch(() => {});
    queue.flush(writer());
    // Not written by this hub: another hub wrote it under 5 (its tab posted it again).
    queue.add('carried', { id: 5 }).catch(() => {});
    queue.add('waiting').catch(() => {});
    queue.add('carried before', { was: { session: 'S0', id: 9 } }).catch(() => {});
    // Another session: a fresh one of this hub, or one another hub's cursor names.
    queue.requeueUnacked({ renumber: true, from: 'S1' });
    const second = writer();
    queue.flush(second);
    expect(second.frames()).toEqual([
      { $ts: 'msg', id: 1, text: 'written', was: { session: 'S1', id: 1 } },
      { $ts: 'msg', id: 2, text: 'carried', was: { session: 'S1', id: 5 } },
      { $ts: 'msg', id: 3, text: 'waiting' },
      { $ts: 'msg', id: 4, text: 'carried before', was: { session: 'S0', id: 9 } },
    ]);
  });

  it('says nothing when renumbered without the session left (the server lost it)', () => {
    const queue = new SendQueue();
    queue.add('written').catch(() => {});
    queue.flush(writer());
    queue.requeueUnacked({ renumber: true });
    const next = writer();
    queue.flush(next);
    expect(next.frames()).toEqual([{ $ts: 'msg', id: 1, text: 'written' }]);
  });
});
