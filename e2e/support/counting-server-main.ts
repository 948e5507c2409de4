/**
 * A counting WebSocket server in a process of its own, so a test can kill it with SIGKILL.
 * Spawned by server-process.ts with an IPC channel: `node --import tsx counting-server-main.ts
 * <port>`. It answers "ping" with "pong" and reports every event to the parent. A port that is
 * still taken (the killed predecessor's) is retried for a few seconds.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { listenAgain } from './listen-again';

export type ServerEvent =
  | { type: 'listening'; port: number }
  | { type: 'connection' }
  | { type: 'disconnection' }
  | { type: 'message'; text: string };

function report(event: ServerEvent): void {
  process.send?.(event);
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  // A plain server answers a worker's HTTP stream with 404 at once, as an app's server would.
  const http = createServer((_request, response) => response.writeHead(404).end());
  await listenAgain(http, port);
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => {
    report({ type: 'connection' });
    socket.on('close', () => report({ type: 'disconnection' }));
    socket.on('message', (data, isBinary) => {
      const text = data.toString();
      if (!isBinary && text === 'ping') {
        socket.send('pong');
        return;
      }
      report({ type: 'message', text });
    });
  });
  report({ type: 'listening', port: (http.address() as AddressInfo).port });
}

// Never outlive the test process that spawned us.
process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
