import { ConnectionClosedError } from './errors/connection-closed-error';
import { OutboxFullError } from './errors/outbox-full-error';
import type { TabSocketError } from './errors/tab-socket-error';

export function outboxFull(limit: number): OutboxFullError {
  return new OutboxFullError(`tabsocket: ${limit} messages are waiting already (outboxLimit)`);
}

/** What a tab may hand to the socket (objects are JSON-encoded in the tab). */
export type OutboundData = string | ArrayBuffer | ArrayBufferView | Blob;

interface QueuedMessage {
  data: OutboundData;
  resolve(): void;
  reject(error: TabSocketError): void;
}

/**
 * Messages sent while the socket is not open, in order, bounded. Each `enqueue` promise
 * settles exactly once: resolved when `flush` writes it, rejected by `rejectAll`; a message
 * over the limit is refused at once rather than dropped in silence.
 */
export class Outbox {
  #queue: QueuedMessage[] = [];

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.#queue.length;
  }

  /** `othersWaiting`: messages waiting elsewhere (unacknowledged) that count toward the limit. */
  enqueue(data: OutboundData, othersWaiting = 0): Promise<void> {
    if (this.#queue.length + othersWaiting >= this.limit) {
      return Promise.reject(outboxFull(this.limit));
    }
    return new Promise((resolve, reject) => this.#queue.push({ data, resolve, reject }));
  }

  /**
   * Hands every queued message to `write`, in order. A message settles as `write`'s promise
   * does (at once for a plain write, on the ack for a numbered one), or rejects if it throws.
   */
  flush(write: (data: OutboundData) => Promise<void> | void): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const message of queued) {
      try {
        Promise.resolve(write(message.data)).then(message.resolve, message.reject);
      } catch (cause) {
        message.reject(
          new ConnectionClosedError('tabsocket: the socket refused the message', { cause }),
        );
      }
    }
  }

  rejectAll(error: TabSocketError): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const message of queued) message.reject(error);
  }
}
