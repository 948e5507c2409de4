import { describe, expect, it, vi } from 'vitest';
import { MemoryPresenceStore } from '../memory/memory-presence-store';
import type { OfflineEntry, OnlineEntry, PresenceStore } from '../stores/presence-store';
import { FakeClock } from '../test-support/fake-clock';
import { Presence } from './presence';

/** A store whose writes wait until the test releases them, like a slow remote store. */
class GatedStore extends MemoryPresenceStore {
  readonly gates: (() => void)[] = [];
  readonly applied: string[] = [];

  override async addSocket(userId: string, socketId: string, at: number) {
    await new Promise<void>((resolve) => this.gates.push(resolve));
    this.applied.push(`add ${socketId}`);
    return super.addSocket(userId, socketId, at);
  }

  override async removeSocket(userId: string, socketId: string, at: number) {
    this.applied.push(`remove ${socketId}`);
    return super.removeSocket(userId, socketId, at);
  }
}

describe('Presence', () => {
  it('emits online for the first socket and offline after the last', async () => {
    const clock = new FakeClock(1000);
    const presence = new Presence(new MemoryPresenceStore(), clock);
    const online: OnlineEntry[] = [];
    const offline: OfflineEntry[] = [];
    presence.on('online', (entry) => online.push(entry));
    presence.on('offline', (entry) => offline.push(entry));

    await presence.join('ann', 's1');
    await presence.join('ann', 's2');
    clock.advance(1000);
    await presence.leave('ann', 's1');
    expect(offline).toEqual([]);
    await presence.leave('ann', 's2');

    expect(online).toEqual([{ userId: 'ann', online: true, since: 1000, sockets: 1 }]);
    expect(offline).toEqual([{ userId: 'ann', online: false, lastSeen: 2000 }]);
  });

  it("applies one user's changes in order even when the store is slow", async () => {
    const store = new GatedStore();
    const presence = new Presence(store);
    const join = presence.join('ann', 's1');
    const leave = presence.leave('ann', 's1');
    const reading = presence.get('ann');
    await vi.waitFor(() => expect(store.gates).toHaveLength(1));
    expect(store.applied).toEqual([]);

    store.gates[0]?.();
    await Promise.all([join, leave]);
    expect(store.applied).toEqual(['add s1', 'remove s1']);
    expect(await reading).toMatchObject({ userId: 'ann', online: false });
  });

  it('waits for pending changes before list and counts', async () => {
    const store = new GatedStore();
    const presence = new Presence(store);
    void presence.join('ann', 's1');
    const counts = presence.counts();
    const list = presence.list();
    await vi.waitFor(() => expect(store.gates).toHaveLength(1));
    store.gates[0]?.();
    expect(await counts).toEqual({ online: 1, offline: 0 });
    expect(await list).toHaveLength(1);
  });

  it('reports a failing store as an error event, and keeps going', async () => {
    const failing: PresenceStore = Object.assign(new MemoryPresenceStore(), {
      addSocket: () => Promise.reject(new Error('store down')),
    });
    const presence = new Presence(failing);
    const errors: unknown[] = [];
    presence.on('error', (error) => errors.push(error));
    await presence.join('ann', 's1');
    await presence.join('ann', 's2');
    expect(errors.map((error) => (error as Error).message)).toEqual(['store down', 'store down']);
  });

  it('turns a store error into a process warning when nobody listens', async () => {
    const failing: PresenceStore = Object.assign(new MemoryPresenceStore(), {
      removeSocket: () => Promise.reject(new Error('store down')),
    });
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    await new Presence(failing).leave('ann', 's1');
    expect(warn).toHaveBeenCalledWith(expect.any(Error), 'TabSocketPresenceWarning');
  });
});
