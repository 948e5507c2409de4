/**
 * The reference server with its in-memory stores, in a process of its own so a test can kill
 * it with SIGKILL and start another on the same port, its sessions gone, as a crash or a
 * deploy does: `node --import tsx memory-node-main.ts <port>`, spawned with an IPC channel by
 * cluster-node.ts (`ClusterNode.startInMemory`). It speaks the cluster nodes' IPC protocol; a
 * token `user-NAME` logs in as NAME. A port still taken (by the killed predecessor) is tried
 * again for a few seconds.
 */
import { createServer } from 'node:http';
import { createTabSocketServer } from 'tabsocket/server';
import type { NodeEvent, NodeRequest } from './cluster-node-protocol';
import { listenAgain } from './listen-again';

function report(event: NodeEvent): void {
  process.send?.(event);
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  const http = createServer();
  await listenAgain(http, port);
  const server = createTabSocketServer({
    server: http,
    authenticate: (request) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      return token.startsWith('user-') ? token.slice('user-'.length) : null;
    },
  });
  // The HTTP streams of workers whose WebSocket is blocked, as an app on its own server serves them.
  http.on('request', (request, response) => {
    if (!server.handleRequest(request, response)) response.writeHead(404).end();
  });
  server.on('connection', () => report({ type: 'connection' }));
  server.on('disconnection', () => report({ type: 'disconnection' }));
  server.on('message', (_client, data) => report({ type: 'message', data }));
  process.on('message', (request: NodeRequest) => {
    if (request.type === 'push') {
      const written = server.push(request.userId, request.data as string);
      report({ type: 'answer', id: request.id, value: written });
    } else {
      void server.presence
        .list()
        .then((value) => report({ type: 'answer', id: request.id, value }));
    }
  });
  report({ type: 'listening', port: (http.address() as { port: number }).port });
}

// Never outlive the test process that spawned us.
process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
