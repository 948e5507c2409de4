import { TabSocketError } from './tab-socket-error';

/** \`send()\` while not open, with \`outboxLimit\` messages already queued: this one was not queued. */
export class OutboxFullError extends TabSocketError {
  override name = 'OutboxFullError';

  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_OUTBOX_FULL', message, options);
  }
}
