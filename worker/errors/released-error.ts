import { TabSocketError } from './tab-socket-error';

/** The handle was used after \`release()\`. */
export class ReleasedError extends TabSocketError {
  override name = 'ReleasedError';

  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_RELEASED', message, options);
  }
}
