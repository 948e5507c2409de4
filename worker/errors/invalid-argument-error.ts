import { TabSocketError } from './tab-socket-error';

/** A method was called with an argument it cannot take (a close code, a topic, unsendable data). */
export class InvalidArgumentError extends TabSocketError {
  override name = 'InvalidArgumentError';

  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_INVALID_ARGUMENT', message, options);
  }
}
