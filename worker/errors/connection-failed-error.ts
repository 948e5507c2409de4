import { TabSocketError } from './tab-socket-error';

/** The connection gave up (\`maxAttempts\` reached, or a close code in \`stopOn\`): it will not reconnect by itself. */
export class ConnectionFailedError extends TabSocketError {
  override name = 'ConnectionFailedError';

  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_FAILED', message, options);
  }
}
