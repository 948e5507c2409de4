import { ConnectionClosedError } from './connection-closed-error';
import { ConnectionFailedError } from './connection-failed-error';
import { InvalidArgumentError } from './invalid-argument-error';
import { InvalidOptionError } from './invalid-option-error';
import { MalformedFrameError } from './malformed-frame-error';
import { OutboxFullError } from './outbox-full-error';
import { ReleasedError } from './released-error';
import { TabSocketError, type TabSocketErrorCode } from './tab-socket-error';
import { WorkerError } from './worker-error';

export {
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidArgumentError,
  InvalidOptionError,
  MalformedFrameError,
  OutboxFullError,
  ReleasedError,
  TabSocketError,
  type TabSocketErrorCode,
  WorkerError,
};

/** An error as it crosses between worker and tab: structured clone keeps no class. */
export interface SerializedError {
  code: TabSocketErrorCode;
  message: string;
}

const classByCode: Record<TabSocketErrorCode, new (message: string) => TabSocketError> = {
  TS_ERR_INVALID_OPTION: InvalidOptionError,
  TS_ERR_INVALID_ARGUMENT: InvalidArgumentError,
  TS_ERR_OUTBOX_FULL: OutboxFullError,
  TS_ERR_CLOSED: ConnectionClosedError,
  TS_ERR_FAILED: ConnectionFailedError,
  TS_ERR_RELEASED: ReleasedError,
  TS_ERR_MALFORMED_FRAME: MalformedFrameError,
  TS_ERR_WORKER: WorkerError,
};

export function serializeError(error: TabSocketError): SerializedError {
  return { code: error.code, message: error.message };
}

/** Rebuilds the typed error on the tab side; an unknown code (a newer worker) stays a base error. */
export function deserializeError(error: SerializedError): TabSocketError {
  const ErrorClass = classByCode[error.code];
  return ErrorClass ? new ErrorClass(error.message) : new TabSocketError(error.code, error.message);
}
