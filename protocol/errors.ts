/**
 * Every error tabsocket throws, rejects with or emits, in one table. Each has a stable
 * `code`, safe to branch on, that survives the tab ↔ worker crossing (structured clone
 * keeps no class, so the worker sends `{ code, message }` and the tab rebuilds the class).
 *
 * | code                      | class                   | when                                                        |
 * | ------------------------- | ----------------------- | ----------------------------------------------------------- |
 * | `TS_ERR_INVALID_OPTION`   | `InvalidOptionError`    | an option is unknown, of the wrong type or out of range     |
 * | `TS_ERR_INVALID_ARGUMENT` | `InvalidArgumentError`  | a method got an argument it cannot take                     |
 * | `TS_ERR_OUTBOX_FULL`      | `OutboxFullError`       | `outboxLimit` messages wait already: this one was refused   |
 * | `TS_ERR_CLOSED`           | `ConnectionClosedError` | closed (logout, a new url, the last tab gone) before the message was written |
 * | `TS_ERR_UNCONFIRMED`      | `UnconfirmedSendError`  | closed after the message was written, before its ack: the server may have it |
 * | `TS_ERR_FAILED`           | `ConnectionFailedError` | the connection gave up and will not reconnect by itself     |
 * | `TS_ERR_RELEASED`         | `ReleasedError`         | the handle was used after `release()`                       |
 * | `TS_ERR_MALFORMED_FRAME`  | `MalformedFrameError`   | a frame was not JSON, or not passable to the tab: sent as text |
 * | `TS_ERR_WORKER`           | `WorkerError`           | the shared worker could not start or stopped answering      |
 * | `TS_ERR_URL_PROVIDER`     | `UrlProviderError`      | no `url` function gave a usable url for an attempt: it threw, gave a bad url, took too long, or no tab has one |
 * | `TS_ERR_TOO_LARGE`        | `TooLargeError`         | a message over the server's `maxPayload`, or a topic over its `maxTopicLength` or past its `maxTopics` (the `limits` option, or what the server's hello said) |
 * | `TS_ERR_REFUSED`          | `RefusedError`          | the server refused a message or a `sub` with an error frame (its code and message are in the message) |
 *
 * The reference server refuses a frame with an error frame whose code is a `WireErrorCode`
 * (`wire.ts`): `malformed`, `unknown-kind`, `unexpected`, `invalid-session`, `overloaded`,
 * `too-large`.
 */
export type TabSocketErrorCode =
  | 'TS_ERR_INVALID_OPTION'
  | 'TS_ERR_INVALID_ARGUMENT'
  | 'TS_ERR_OUTBOX_FULL'
  | 'TS_ERR_CLOSED'
  | 'TS_ERR_UNCONFIRMED'
  | 'TS_ERR_FAILED'
  | 'TS_ERR_RELEASED'
  | 'TS_ERR_MALFORMED_FRAME'
  | 'TS_ERR_WORKER'
  | 'TS_ERR_URL_PROVIDER'
  | 'TS_ERR_TOO_LARGE'
  | 'TS_ERR_REFUSED';

/** The base of every tabsocket error; `message` is for people, `code` for programs. */
export class TabSocketError extends Error {
  override name = 'TabSocketError';
  readonly code: TabSocketErrorCode;

  constructor(code: TabSocketErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export class InvalidOptionError extends TabSocketError {
  override name = 'InvalidOptionError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_INVALID_OPTION', message, options);
  }
}

export class InvalidArgumentError extends TabSocketError {
  override name = 'InvalidArgumentError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_INVALID_ARGUMENT', message, options);
  }
}

export class OutboxFullError extends TabSocketError {
  override name = 'OutboxFullError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_OUTBOX_FULL', message, options);
  }
}

export class ConnectionClosedError extends TabSocketError {
  override name = 'ConnectionClosedError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_CLOSED', message, options);
  }
}

/** A rejection that does not mean "not delivered": the server may have passed it on. */
export class UnconfirmedSendError extends TabSocketError {
  override name = 'UnconfirmedSendError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_UNCONFIRMED', message, options);
  }
}

export class ConnectionFailedError extends TabSocketError {
  override name = 'ConnectionFailedError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_FAILED', message, options);
  }
}

export class ReleasedError extends TabSocketError {
  override name = 'ReleasedError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_RELEASED', message, options);
  }
}

export class MalformedFrameError extends TabSocketError {
  override name = 'MalformedFrameError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_MALFORMED_FRAME', message, options);
  }
}

export class WorkerError extends TabSocketError {
  override name = 'WorkerError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_WORKER', message, options);
  }
}

/** Emitted to the tabs with each attempt that failed because no `url` function gave a url. */
export class UrlProviderError extends TabSocketError {
  override name = 'UrlProviderError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_URL_PROVIDER', message, options);
  }
}

/** Refused at once, never queued: the server would refuse it (a message over `maxPayload` closes its socket). */
export class TooLargeError extends TabSocketError {
  override name = 'TooLargeError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_TOO_LARGE', message, options);
  }
}

/** The server answered a message or a `sub` with an error frame: it is not sent again. */
export class RefusedError extends TabSocketError {
  override name = 'RefusedError';
  constructor(message: string, options?: ErrorOptions) {
    super('TS_ERR_REFUSED', message, options);
  }
}

const classByCode: Record<TabSocketErrorCode, new (message: string) => TabSocketError> = {
  TS_ERR_INVALID_OPTION: InvalidOptionError,
  TS_ERR_INVALID_ARGUMENT: InvalidArgumentError,
  TS_ERR_OUTBOX_FULL: OutboxFullError,
  TS_ERR_CLOSED: ConnectionClosedError,
  TS_ERR_UNCONFIRMED: UnconfirmedSendError,
  TS_ERR_FAILED: ConnectionFailedError,
  TS_ERR_RELEASED: ReleasedError,
  TS_ERR_MALFORMED_FRAME: MalformedFrameError,
  TS_ERR_WORKER: WorkerError,
  TS_ERR_URL_PROVIDER: UrlProviderError,
  TS_ERR_TOO_LARGE: TooLargeError,
  TS_ERR_REFUSED: RefusedError,
};

/** An error as it crosses between worker and tab. */
export interface SerializedError {
  code: TabSocketErrorCode;
  message: string;
}

export function serializeError(error: TabSocketError): SerializedError {
  return { code: error.code, message: error.message };
}

/** Rebuilds the typed error on the tab side; an unknown code (a newer worker) stays a base error. */
export function deserializeError(error: SerializedError): TabSocketError {
  const ErrorClass = classByCode[error.code];
  return ErrorClass ? new ErrorClass(error.message) : new TabSocketError(error.code, error.message);
}
