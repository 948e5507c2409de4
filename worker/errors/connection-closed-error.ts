import { TabSocketError } from './tab-socket-error';

/** The connection was closed (\`close()\`, or a new url under the same name) before the message was written. */
export class ConnectionClosedError extends TabSocketError {
  override name = 'ConnectionClosedError';

  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_CLOSED', message, options);
  }
}
