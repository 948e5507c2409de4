import { describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  ConnectionFailedError,
  deserializeError,
  InvalidArgumentError,
  InvalidOptionError,
  MalformedFrameError,
  OutboxFullError,
  RefusedError,
  ReleasedError,
  serializeError,
  TabSocketError,
  type TabSocketErrorCode,
  TooLargeError,
  UnconfirmedSendError,
  UrlProviderError,
  WorkerError,
} from './errors';

const classes: ReadonlyArray<
  [TabSocketErrorCode, new (message: string) => TabSocketError, string]
> = [
  ['TS_ERR_INVALID_OPTION', InvalidOptionError, 'InvalidOptionError'],
  ['TS_ERR_INVALID_ARGUMENT', InvalidArgumentError, 'InvalidArgumentError'],
  ['TS_ERR_OUTBOX_FULL', OutboxFullError, 'OutboxFullError'],
  ['TS_ERR_CLOSED', ConnectionClosedError, 'ConnectionClosedError'],
  ['TS_ERR_UNCONFIRMED', UnconfirmedSendError, 'UnconfirmedSendError'],
  ['TS_ERR_FAILED', ConnectionFailedError, 'ConnectionFailedError'],
  ['TS_ERR_RELEASED', ReleasedError, 'ReleasedError'],
  ['TS_ERR_MALFORMED_FRAME', MalformedFrameError, 'MalformedFrameError'],
  ['TS_ERR_WORKER', WorkerError, 'WorkerError'],
  ['TS_ERR_URL_PROVIDER', UrlProviderError, 'UrlProviderError'],
  ['TS_ERR_TOO_LARGE', TooLargeError, 'TooLargeError'],
  ['TS_ERR_REFUSED', RefusedError, 'RefusedError'],
];

describe('error classes', () => {
  it.each(classes)(
    '%s is raised by %s, a TabSocketError and an Error',
    (code, ErrorClass, name) => {
      const error = new ErrorClass('boom');
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(TabSocketError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
      expect(error.message).toBe('boom');
    },
  );

  it('keeps the cause', () => {
    const cause = new Error('socket gone');
    expect(new ConnectionClosedError('closed', { cause }).cause).toBe(cause);
  });
});

describe('serializeError', () => {
  it('keeps only the code and the message, as plain data', () => {
    const serialized = serializeError(new OutboxFullError('full'));
    expect(serialized).toEqual({ code: 'TS_ERR_OUTBOX_FULL', message: 'full' });
    expect(Object.getPrototypeOf(serialized)).toBe(Object.prototype);
  });
});

describe('deserializeError', () => {
  it.each(classes)('rebuilds %s as %s after a structured clone', (code, ErrorClass, name) => {
    const crossed = structuredClone(serializeError(new ErrorClass(`tabsocket: ${code}`)));
    const error = deserializeError(crossed);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(TabSocketError);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.message).toBe(`tabsocket: ${code}`);
  });

  it('rebuilds an unknown code as a base TabSocketError keeping that code', () => {
    const code = 'TS_ERR_FROM_A_NEWER_WORKER' as TabSocketErrorCode;
    const error = deserializeError({ code, message: 'new' });
    expect(error.constructor).toBe(TabSocketError);
    expect(error.code).toBe(code);
    expect(error.message).toBe('new');
    expect(error.name).toBe('TabSocketError');
  });
});
