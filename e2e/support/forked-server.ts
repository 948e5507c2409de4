import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const START_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 5_000;

/**
 * A test server in a child process (run with tsx), which the test can kill with SIGKILL as a
 * crash or an OOM kill would. The script reports `{ type: 'listening', port }` over IPC once
 * it listens; `label` names it in errors.
 */
export class ForkedServer {
  readonly #exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private readonly label: string,
  ) {
    this.#exited = new Promise((resolve) => {
      if (!this.alive) resolve();
      else child.once('exit', () => resolve());
    });
  }

  /** Forks `script` with `args`; resolves once it listens, rejects if it exits or hangs first. */
  static start(script: string, args: string[], label: string): Promise<ForkedServer> {
    const child = fork(script, args, {
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
        reject(new Error(`${label} did not listen within ${START_TIMEOUT_MS} ms: ${stderr}`));
      }, START_TIMEOUT_MS);
      const onMessage = (event: { type: string; port?: number }) => {
        if (event.type !== 'listening' || event.port === undefined) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(new ForkedServer(child, event.port, label));
      };
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${code ?? signal}) before listening: ${stderr}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the process is gone. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Sends `signal` (SIGKILL by default) and waits until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.alive) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.label} ${this.child.pid} did not exit`)),
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
