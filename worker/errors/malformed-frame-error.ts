import { TabSocketError } from './tab-socket-error';

/** A frame expected to be JSON was not; it was delivered as text all the same. */
export class MalformedFrameError extends TabSocketError {
  override name = 'MalformedFrameError';

  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_MALFORMED_FRAME', message, options);
  }
}
