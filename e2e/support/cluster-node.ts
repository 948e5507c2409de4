import { join } from 'node:path';
import type { NodeEvent, NodeRequest } from './cluster-node-protocol';
import { ForkedServer } from './forked-server';

const SCRIPT = join(import.meta.dirname, 'cluster-node-main.ts');
const MEMORY_SCRIPT = join(import.meta.dirname, 'memory-node-main.ts');

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

  private constructor(
    private readonly forked: ForkedServer,
    readonly name: string,
  ) {
    forked.child.on('message', (event: NodeEvent) => {
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
  static async start(name: string, redisUrl: string, prefix: string): Promise<ClusterNode> {
    const forked = await ForkedServer.start(SCRIPT, [redisUrl, prefix], `node ${name}`);
    return new ClusterNode(forked, name);
  }

  /**
   * Starts the reference server with its in-memory stores (memory-node-main.ts) on
   * 127.0.0.1:`port` (0: the system picks one): a server alone, whose sessions die with it.
   */
  static async startInMemory(name: string, port = 0): Promise<ClusterNode> {
    const forked = await ForkedServer.start(MEMORY_SCRIPT, [String(port)], `server ${name}`);
    return new ClusterNode(forked, name);
  }

  get port(): number {
    return this.forked.port;
  }

  get alive(): boolean {
    return this.forked.alive;
  }

  /**
   * Pushes through the fan-out; resolves with its number, null if Redis did not take it. In
   * memory (`startInMemory`): with how many sockets and sessions it was written to.
   */
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
      this.forked.child.send({ ...request, id } as NodeRequest);
      this.forked.exited.then(() => reject(new Error(`node ${this.name} died`)));
    });
  }

  /** Sends `signal` (SIGKILL by default) and waits until the process is gone. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.forked.kill(signal);
  }
}
