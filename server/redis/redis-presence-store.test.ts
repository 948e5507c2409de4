import { afterEach, describe, expect, it } from 'vitest';
import type { OfflineEntry, OnlineEntry } from '../stores/presence-store';
import { Harness, waitUntil } from '../test-support/harness';
import { redisForTheFile } from '../test-support/redis-server';
import { type RedisPresenceOptions, RedisPresenceStore } from './index';

const shared = redisForTheFile();
const stores: RedisPresenceStore[] = [];
const harness = new Harness();
let prefixes = 0;

afterEach(async () => {
  await harness.dispose();
  for (const store of stores.splice(0)) store.close();
});

function presenceStore(prefix: string, options: RedisPresenceOptions = {}) {
  const store = new RedisPresenceStore(shared.client, { prefix, ...options });
  stores.push(store);
  return store;
}

async function node(prefix: string, options: RedisPresenceOptions = {}) {
  const store = presenceStore(prefix, options);
  const started = await harness.start({
    presenceStore: store,
    authenticate: (request) => new URL(request.url ?? '/', 'http://x').searchParams.get('user'),
  });
  const online: OnlineEntry[] = [];
  const offline: OfflineEntry[] = [];
  started.server.presence.on('online', (entry) => online.push(entry));
  started.server.presence.on('offline', (entry) => offline.push(entry));
  return { ...started, store, online, offline };
}

describe('RedisPresenceStore', () => {
  it('counts a user with sockets on two servers once, online and offline once', async () => {
    const prefix = `presence${++prefixes}:`;
    const a = await node(prefix);
    const b = await node(prefix);
    const onA = await harness.connect(`${a.url}/?user=ann`);
    await waitUntil(() => a.online.length === 1, 'ann online');
    const onB = await harness.connect(`${b.url}/?user=ann`);
    await b.server.presence.settled();
    expect(await b.server.presence.counts()).toEqual({ online: 1, offline: 0 });
    expect(await a.server.presence.get('ann')).toMatchObject({ online: true, sockets: 2 });
    expect(b.online).toEqual([]);

    onA.socket.close();
    await onA.closed;
    await waitUntil(() => a.server.stats().openSockets === 0, 'A to see the close');
    await a.server.presence.settled();
    expect(a.offline).toEqual([]);
    onB.socket.close();
    await waitUntil(() => b.offline.length === 1, 'ann offline');
    expect(a.offline).toEqual([]);
    expect(await a.server.presence.get('ann')).toEqual(b.offline[0]);
    expect(await a.server.presence.list()).toEqual([b.offline[0]]);
  });

  it("takes a silent server's users offline within timeout + heartbeat, reported once", async () => {
    const prefix = `presence${++prefixes}:`;
    const timing = { heartbeat: 50, timeout: 200 };
    const a = await node(prefix, timing);
    const b = await node(prefix, timing);
    await harness.connect(`${a.url}/?user=bob`);
    await harness.connect(`${b.url}/?user=carol`);
    await waitUntil(() => a.online.length === 1 && b.online.length === 1, 'both online');
    // As if A were killed: it beats no more, and records nothing.
    a.store.close();
    const stopped = Date.now();
    await waitUntil(() => b.offline.length === 1, 'bob offline, reaped by B');
    expect(Date.now() - stopped).toBeLessThan(timing.timeout + timing.heartbeat + 200);
    expect(b.offline[0]).toMatchObject({ userId: 'bob', online: false });
    expect(await b.server.presence.get('carol')).toMatchObject({ online: true, sockets: 1 });
    expect(a.offline).toEqual([]);
  });

  it('records its sockets again when it beats after being reaped, and says so once', async () => {
    const prefix = `presence${++prefixes}:`;
    const timing = { heartbeat: 50, timeout: 200 };
    const a = await node(prefix, timing);
    const b = await node(prefix, timing);
    await harness.connect(`${a.url}/?user=bob`);
    await waitUntil(() => a.online.length === 1, 'bob online');
    a.store.close();
    await waitUntil(() => b.offline.length === 1, 'bob reaped');
    // A reaches Redis again: its next beat finds it was taken for stopped.
    await a.store.reap();
    expect(a.online).toHaveLength(2);
    expect(await b.server.presence.get('bob')).toMatchObject({ online: true, sockets: 1 });
  });

  it('keeps at most maxOfflineUsers last-seen times, the most recent', async () => {
    const store = presenceStore(`presence${++prefixes}:`, { maxOfflineUsers: 2 });
    for (const [n, user] of ['u1', 'u2', 'u3'].entries()) {
      await store.addSocket(user, `${user}-socket`, n);
      await store.removeSocket(user, `${user}-socket`, 10 + n);
    }
    expect(await store.list()).toEqual([
      { userId: 'u3', online: false, lastSeen: 12 },
      { userId: 'u2', online: false, lastSeen: 11 },
    ]);
    expect(await store.removeSocket('u3', 'unknown', 20)).toBeNull();
    expect(await store.counts()).toEqual({ online: 0, offline: 2 });
  });
});
