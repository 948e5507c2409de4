/**
 * One server of a cluster on Redis, in a process of its own so a test can kill it with
 * SIGKILL: `node --import tsx cluster-node-main.ts <redis url> <prefix>`, spawned with an IPC
 * channel by cluster-node.ts. The server uses the Redis replay store, presence store and
 * fan-out (short presence heartbeats, so a killed node's users go offline soon); a token
 * `user-NAME` logs in as NAME. It reports its events to the parent and pushes on request.
 */
import { createClient } from 'redis';
import { createTabSocketServer } from 'tabsocket/server';
import { createRedisFanout, createRedisStores, RedisPresenceStore } from 'tabsocket/server/redis';
import { type NodeEvent, type NodeRequest, PRESENCE } from './cluster-node-protocol';

function report(event: NodeEvent): void {
  process.send?.(event);
}

function warn(error: unknown): void {
  report({ type: 'warning', text: String(error) });
}

async function main(): Promise<void> {
  const [url = 'redis://127.0.0.1:6379', prefix = 'tabsocket:'] = process.argv.slice(2);
  const client = createClient({ url });
  client.on('error', warn);
  await client.connect();
  const subscriber = client.duplicate();
  subscriber.on('error', warn);
  await subscriber.connect();

  const { replayStore } = createRedisStores(client, { prefix });
  const presenceStore = new RedisPresenceStore(client, { prefix, ...PRESENCE, onError: warn });
  const fanout = await createRedisFanout({
    publisher: client,
    subscriber,
    prefix,
    store: replayStore,
    onError: warn,
  });
  const server = createTabSocketServer({
    port: 0,
    host: '127.0.0.1',
    replayStore,
    presenceStore,
    fanout,
    authenticate: (request) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      return token.startsWith('user-') ? token.slice('user-'.length) : null;
    },
  });
  server.on('storeError', warn);
  server.on('connection', () => report({ type: 'connection' }));
  server.on('disconnection', () => report({ type: 'disconnection' }));
  server.on('message', (_client, data) => report({ type: 'message', data }));
  server.presence.on('online', (entry) =>
    report({ type: 'presence', userId: entry.userId, online: true }),
  );
  server.presence.on('offline', (entry) =>
    report({ type: 'presence', userId: entry.userId, online: false }),
  );
  server.presence.on('error', warn);

  process.on('message', (request: NodeRequest) => {
    if (request.type === 'push') {
      // Through Redis: the answer is the fan-out's number, or undefined when not known.
      void Promise.resolve(server.push(request.userId, request.data as string)).then((n) =>
        report({ type: 'answer', id: request.id, value: n ?? null }),
      );
    } else if (request.type === 'presence') {
      presenceStore.list().then(
        (value) => report({ type: 'answer', id: request.id, value }),
        (error: unknown) => report({ type: 'answer', id: request.id, value: String(error) }),
      );
    }
  });
  await server.listening();
  report({ type: 'listening', port: (server.address() as { port: number }).port });
}

// Never outlive the test process that spawned us.
process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
