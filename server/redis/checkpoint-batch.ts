import { CHECKPOINT } from './scripts';

/** What the batch needs of a client: node-redis's `sendCommand`. */
interface CommandClient {
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>;
}

interface Pending {
  readonly keys: readonly string[];
  readonly args: readonly string[];
  readonly resolve: (held: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/** Sessions renewed by one script: Redis is never held by one for long. */
const BATCH = 256;

/**
 * The CHECKPOINT writes of one task, sent together at its end: the sweep renews every
 * attached session at once, and a fan-out may move the anchors of many, so a thousand
 * sessions cost four round trips, not a thousand.
 */
export class CheckpointBatch {
  readonly #client: CommandClient;
  readonly #owner: string;
  readonly #ttl: string;
  #pending: Pending[] = [];

  constructor(client: CommandClient, owner: string, ttl: string) {
    this.#client = client;
    this.#owner = owner;
    this.#ttl = ttl;
  }

  /**
   * Writes `args` (ch, cm, ph, pm, interests; '' keeps) to the session of `keys` (hash,
   * stream, bits, name) and renews it; answers whether this store holds it.
   */
  write(keys: readonly string[], args: readonly string[]): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) queueMicrotask(() => this.#flush());
      this.#pending.push({ keys, args, resolve, reject });
    });
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (let start = 0; start < pending.length; start += BATCH) {
      const batch = pending.slice(start, start + BATCH);
      const command = ['EVAL', CHECKPOINT, String(batch.length * 4)];
      for (const item of batch) command.push(...item.keys);
      command.push(this.#owner, this.#ttl);
      for (const item of batch) command.push(...item.args);
      // A client that throws at once (closed) must not throw in the microtask: the process
      // would end.
      let sent: Promise<unknown>;
      try {
        sent = this.#client.sendCommand(command);
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent.then(
        (reply) => {
          const held = reply as unknown[];
          for (const [index, item] of batch.entries()) item.resolve(Number(held[index]) === 1);
        },
        (error: unknown) => {
          for (const item of batch) item.reject(error);
        },
      );
    }
  }
}
