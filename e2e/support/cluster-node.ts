import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { NodeEvent, NodeRequest } from './cluster-node-protocol';

const SCRIPT = join(import.meta.dirname, 'cluster-node-main.ts');
const ROOT = join(import.meta.dirname, '..', '..');
const START_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 5_000;

/** A presence entry as the node's store lists it. */
export interface ListedPresence {
  userId: string;
  online: boolean;
  sockets?: number;
}

type Request = NodeRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/**
 * A server of a cluster on Redis (cluster-node-main.ts) in a child process, killable with
 * SIGKILL. Counts its sockets, collects the app messages and presence events it reports,
 * and pushes through the cluster's fan-out on request.
 */
export class ClusterNode {
  open = 0;
  readonly received: unknown[] = [];
  readonly presence: Array<{ userId: string; online: boolean; at: number }> = [];
  readonly warnings: string[] = [];
  readonly #answers = new Map<number, (value: unknown) => void>();
  #requests = 0;
  readonly #exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
    readonly port: number,
  ) {
    this.#exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.on('message', (event: NodeEvent) => {
      if (event.type === 'connection') this.open += 1;
      else if (event.type === 'disconnection') this.open -= 1;
      else if (event.type === 'message') this.received.push(event.data);
      else if (event.type === 'presence') this.presence.push({ ...event, at: Date.now() });
      else if (event.type === 'warning') this.warnings.push(event.text);
      else if (event.type === 'answer') {
        this.#answers.get(event.id)?.(event.value);
        this.#answers.delete(event.id);
      }
    });
  }

  /** Starts a node on a free loopback port, on Redis at `redisUrl`; resolves once it listens. */
  static start(name: string, redisUrl: string, prefix: string): Promise<ClusterNode> {
    const child = fork(SCRIPT, [redisUrl, prefix], {
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
        reject(new Error(`node ${name} did not listen within ${START_TIMEOUT_MS} ms: ${stderr}`));
      }, START_TIMEOUT_MS);
      const onMessage = (event: NodeEvent) => {
        if (event.type !== 'listening') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(new ClusterNode(child, name, event.port));
      };
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        reject(new Error(`node ${name} exited (${code ?? signal}) before listening: ${stderr}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Pushes through the fan-out; resolves with its number, null if Redis did not take it. */
  push(userId: string, data: unknown): Promise<number | null> {
    return this.#ask({ type: 'push', userId, data }) as Promise<number | null>;
  }

  /** Presence as this node's store lists it (every node's users). */
  listPresence(): Promise<ListedPresence[]> {
    return this.#ask({ type: 'presence' }) as Promise<ListedPresence[]>;
  }

  #ask(request: Request): Promise<unknown> {
    const id = ++this.#requests;
    return new Promise((resolve, reject) => {
      if (!this.alive) return reject(new Error(`node ${this.name} is dead`));
      this.#answers.set(id, resolve);
      this.child.send({ ...request, id } as NodeRequest);
      this.#exited.then(() => reject(new Error(`node ${this.name} died`)));
    });
  }

  /** Sends `signal` (SIGKILL by default) and waits until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.alive) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`node ${this.name} did not exit`)),
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
