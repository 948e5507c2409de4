import { expect, it } from 'vitest';
import { pushPayload } from '../stores/push-payload';
import { MemoryReplayStore } from './memory-replay-store';

// Review 19f's lost answer, for a `last` beyond the head (the store counts fewer pushes than
// the worker got): the resync was said to one read alone, so a resume from that last again
// (the socket died with the answer) was told `resumed`.
// Fixed: the head moves one past `last`, a number no push gets (see `ReplayStore.read`).
it('answers resync again to a resume from a last beyond the head, the first answer lost', () => {
  const store = new MemoryReplayStore({ maxCount: 10, maxAge: 60_000, maxBytes: 100_000 });
  store.read('s1', 0);
  expect(store.append('s1', pushPayload('"data":1'))).toBe(1);
  const resync = store.read('s1', 3);
  expect(resync).toMatchObject({ head: 4, entries: undefined });
  expect(store.read('s1', 3)).toMatchObject({ entries: undefined });
  expect(store.append('s1', pushPayload('"data":5'))).toBe(5);
  expect(store.read('s1', 3)).toMatchObject({ entries: undefined });
  expect(store.read('s1', resync.head)).toMatchObject({ head: 5, entries: [{ seq: 5 }] });
});
