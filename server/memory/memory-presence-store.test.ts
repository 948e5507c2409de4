import { describe, expect, it } from 'vitest';
import { MemoryPresenceStore } from './memory-presence-store';

describe('MemoryPresenceStore', () => {
  describe('#addSocket', () => {
    it('answers the entry for the first socket only', async () => {
      const store = new MemoryPresenceStore();
      expect(await store.addSocket('ann', 's1', 100)).toEqual({
        userId: 'ann',
        online: true,
        since: 100,
        sockets: 1,
      });
      expect(await store.addSocket('ann', 's2', 200)).toBeNull();
      expect(await store.get('ann')).toEqual({
        userId: 'ann',
        online: true,
        since: 100,
        sockets: 2,
      });
    });

    it('brings a user who left back online, forgetting the last-seen time', async () => {
      const store = new MemoryPresenceStore();
      await store.addSocket('ann', 's1', 100);
      await store.removeSocket('ann', 's1', 150);
      expect(await store.addSocket('ann', 's2', 300)).toMatchObject({ online: true, since: 300 });
      expect(await store.counts()).toEqual({ online: 1, offline: 0 });
    });
  });

  describe('#removeSocket', () => {
    it('answers the entry for the last socket only', async () => {
      const store = new MemoryPresenceStore();
      await store.addSocket('ann', 's1', 100);
      await store.addSocket('ann', 's2', 100);
      expect(await store.removeSocket('ann', 's1', 200)).toBeNull();
      expect(await store.removeSocket('ann', 's2', 300)).toEqual({
        userId: 'ann',
        online: false,
        lastSeen: 300,
      });
      expect(await store.get('ann')).toEqual({ userId: 'ann', online: false, lastSeen: 300 });
    });

    it('changes nothing for an unknown socket or user', async () => {
      const store = new MemoryPresenceStore();
      await store.addSocket('ann', 's1', 100);
      expect(await store.removeSocket('ann', 'other', 200)).toBeNull();
      expect(await store.removeSocket('bob', 's1', 200)).toBeNull();
      expect(await store.counts()).toEqual({ online: 1, offline: 0 });
    });
  });

  describe('#list', () => {
    it('lists online users, then those gone, most recently seen first', async () => {
      const store = new MemoryPresenceStore();
      for (const user of ['ann', 'bob', 'cat', 'dan']) await store.addSocket(user, user, 1);
      await store.removeSocket('bob', 'bob', 10);
      await store.removeSocket('dan', 'dan', 20);
      expect((await store.list()).map((entry) => entry.userId)).toEqual([
        'ann',
        'cat',
        'dan',
        'bob',
      ]);
    });
  });

  it('forgets the oldest last-seen times beyond maxOfflineUsers', async () => {
    const store = new MemoryPresenceStore({ maxOfflineUsers: 2 });
    for (const [at, user] of ['ann', 'bob', 'cat'].entries()) {
      await store.addSocket(user, user, at);
      await store.removeSocket(user, user, at);
    }
    expect(await store.get('ann')).toBeUndefined();
    expect(await store.counts()).toEqual({ online: 0, offline: 2 });
  });

  it('throws a RangeError for a bad maxOfflineUsers', () => {
    expect(() => new MemoryPresenceStore({ maxOfflineUsers: -1 })).toThrow(RangeError);
  });
});
