import { join } from 'node:path';
import type { ServerEvent } from './counting-server-main';
import { ForkedServer } from './forked-server';

const SCRIPT = join(import.meta.dirname, 'counting-server-main.ts');

/**
 * A counting WebSocket server (see counting-server-main.ts) in a child process: the test can
 * kill it with SIGKILL, as a crash or an OOM kill would, and start another on the same port.
 * It counts what it sees, as CountingServer does: sockets opened in all, open now, and the
 * application frames received.
 */
export class ServerProcess {
  opened = 0;
  open = 0;
  readonly received: string[] = [];

  private constructor(private readonly forked: ForkedServer) {
    forked.child.on('message', (event: ServerEvent) => {
      if (event.type === 'connection') {
        this.opened += 1;
        this.open += 1;
      } else if (event.type === 'disconnection') {
        this.open -= 1;
      } else if (event.type === 'message') {
        this.received.push(event.text);
      }
    });
  }

  /** Starts a server on 127.0.0.1:`port` (0: the system picks one); resolves once it listens. */
  static async start(port = 0): Promise<ServerProcess> {
    return new ServerProcess(await ForkedServer.start(SCRIPT, [String(port)], 'counting server'));
  }

  get port(): number {
    return this.forked.port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  get pid(): number | undefined {
    return this.forked.child.pid;
  }

  /** Sends `signal` (SIGKILL by default) and waits until the process is gone. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.forked.kill(signal);
  }
}
