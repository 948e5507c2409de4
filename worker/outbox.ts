import { ConnectionClosedError } from './errors/connection-closed-error';
import { OutboxFullError } from './errors/outbox-full-error';
import type { TabSocketError } from './errors/tab-socket-error';

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

  enqueue(data: OutboundData): Promise<void> {
    if (this.#queue.length >= this.limit) {
      return Promise.reject(
        new OutboxFullError(
          `tabsocket: the outbox holds ${this.limit} messages already (outboxLimit)`,
        ),
      );
    }
    return new Promise((resolve, reject) => this.#queue.push({ data, resolve, reject }));
  }

  flush(write: (data: OutboundData) => void): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const message of queued) {
      try {
        write(message.data);
        message.resolve();
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
