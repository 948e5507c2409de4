import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

const STOP_TIMEOUT_MS = 5000;

/** A helper process the tests start (Xvfb, WebKitWebDriver) and must not leave behind. */
export interface Daemon {
  readonly child: ChildProcess;
  /** The tail of what it wrote to stderr, for error messages. */
  stderr(): string;
  exited(): boolean;
  /** SIGTERM, then SIGKILL if it lingers; resolves once it is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `command` in a process group of its own, and ends the whole group: WebKitWebDriver's
 * MiniBrowser and its WebKit processes outlive a driver that alone is killed.
 */
export function startDaemon(command: string, args: string[], options: SpawnOptions): Daemon {
  const child = spawn(command, args, { ...options, detached: true });
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, name);
    } catch {
      // The group is gone already.
    }
  };
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  // A spawn failure (ENOENT) is reported through exited() and stderr(), not thrown here.
  child.once('error', (error) => {
    stderr += `\n${error.message}`;
  });
  // Should the test process end without running teardown, the daemon must not outlive it.
  const killOnExit = () => signal('SIGKILL');
  process.once('exit', killOnExit);
  const gone = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
  return {
    child,
    stderr: () => stderr.trim(),
    exited,
    async stop() {
      process.off('exit', killOnExit);
      // Even if the leader has exited: what it started may still run in its group.
      signal('SIGTERM');
      if (await Promise.race([gone.then(() => true), delay(STOP_TIMEOUT_MS, false)])) return;
      signal('SIGKILL');
      await gone;
    },
  };
}

/** A loopback port that was free a moment ago: listen on port 0, note the port, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
