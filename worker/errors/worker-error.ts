import { TabSocketError } from './tab-socket-error';

/** The shared worker could not be started or stopped answering. */
export class WorkerError extends TabSocketError {
  override name = 'WorkerError';

  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_WORKER', message, options);
  }
}
