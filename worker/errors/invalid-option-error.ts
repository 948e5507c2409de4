import { TabSocketError } from './tab-socket-error';

/** An option of \`connect()\` is unknown, of the wrong type or out of range. */
export class InvalidOptionError extends TabSocketError {
  override name = 'InvalidOptionError';

  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_INVALID_OPTION', message, options);
  }
}
