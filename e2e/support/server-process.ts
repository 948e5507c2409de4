import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { ServerEvent } from './counting-server-main';

const SCRIPT = join(import.meta.dirname, 'counting-server-main.ts');
const ROOT = join(import.meta.dirname, '..', '..');
const START_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 5000;

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
  readonly #exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.#exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.on('message', (event: ServerEvent) => {
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
  static start(port = 0): Promise<ServerProcess> {
    const child = fork(SCRIPT, [String(port)], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`counting server did not listen within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      const onMessage = (event: ServerEvent) => {
        if (event.type !== 'listening') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(new ServerProcess(child, event.port));
      };
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        reject(new Error(`counting server exited (${code ?? signal}) before listening: ${stderr}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends `signal` (SIGKILL by default) and waits until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`counting server ${this.pid} did not exit`)),
        EXIT_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.#exited, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
