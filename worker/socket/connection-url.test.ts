/** A connection whose url comes from a tab's url function (`Environment.freshUrl`). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UrlProviderError } from '../../protocol/errors';
import { type Overrides, setup } from '../test-support/connection-harness';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A connection whose urls are `wss://a/?token=1`, `…=2`, … or what `answer` says instead. */
function setupProvided(overrides: Overrides = {}) {
  const context = setup({ heartbeat: false, ...overrides });
  let asked = 0;
  let answer: (() => Promise<string>) | undefined;
  context.env.freshUrl = () => {
    asked += 1;
    return answer ? answer() : Promise.resolve(`wss://a/?token=${asked}`);
  };
  return {
    ...context,
    asked: () => asked,
    answerWith: (next: (() => Promise<string>) | undefined) => {
      answer = next;
    },
  };
}

describe('Connection with a url function', () => {
  it('asks for the url before the attempt, connecting meanwhile, and opens the socket with it', async () => {
    const { connection, sockets, asked } = setupProvided();
    connection.start();
    expect(connection.state).toBe('connecting');
    expect(sockets).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(asked()).toBe(1);
    expect(sockets.map((socket) => socket.url)).toEqual(['wss://a/?token=1']);
  });

  it('asks again before every retry', async () => {
    const { connection, sockets, latest } = setupProvided();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    latest().drop(1006);
    expect(connection.state).toBe('backoff');
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets.map((socket) => socket.url)).toEqual(['wss://a/?token=1', 'wss://a/?token=2']);
  });

  it('fails the attempt when the url function fails: the tabs get the error, the state backoff with reason url-provider', async () => {
    const { connection, sockets, errors, lastState, answerWith } = setupProvided();
    answerWith(() => Promise.reject(new UrlProviderError('tabsocket: it threw: no session')));
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(0);
    expect(errors.map((error) => error.code)).toEqual(['TS_ERR_URL_PROVIDER']);
    expect(lastState()).toEqual({
      state: 'backoff',
      detail: { from: 'connecting', reason: 'url-provider', attempt: 1, delay: 100 },
    });
    answerWith(undefined);
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(1);
  });

  it('on a refreshOn close, retries at once with a fresh url before the code counts as stopOn', async () => {
    const { connection, sockets, latest, states } = setupProvided();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    latest().accept();
    latest().drop(4401, 'token expired');
    expect(states.at(-1)).toEqual({
      state: 'connecting',
      detail: { from: 'open', reason: 'refresh', code: 4401, closeReason: 'token expired' },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets.map((socket) => socket.url)).toEqual(['wss://a/?token=1', 'wss://a/?token=2']);
    latest().accept();
    expect(connection.state).toBe('open');
  });

  it('backs off after a second refreshOn close before minUptime, asking a fresh url for each retry', async () => {
    const { connection, sockets, latest, lastState } = setupProvided();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    latest().accept();
    latest().drop(4401);
    await vi.advanceTimersByTimeAsync(0);
    // The fresh token is "not yet valid" on a server whose clock runs behind.
    latest().accept();
    latest().drop(4401, 'not yet valid');
    expect(lastState()).toEqual({
      state: 'backoff',
      detail: {
        from: 'open',
        reason: 'refresh',
        code: 4401,
        closeReason: 'not yet valid',
        attempt: 1,
        delay: 100,
      },
    });
    await vi.advanceTimersByTimeAsync(100);
    latest().accept();
    latest().drop(4401);
    expect(lastState()?.detail).toMatchObject({ reason: 'refresh', attempt: 2, delay: 200 });
    await vi.advanceTimersByTimeAsync(200);
    latest().accept();
    expect(connection.state).toBe('open');
    expect(sockets.map((socket) => socket.url.slice(-1))).toEqual(['1', '2', '3', '4']);
  });

  it('gives up after maxAttempts refreshOn closes in a row', async () => {
    const { connection, latest, lastState } = setupProvided({ reconnect: { maxAttempts: 2 } });
    connection.start();
    for (let close = 1; close <= 3; close += 1) {
      await vi.advanceTimersByTimeAsync(1_000);
      latest().accept();
      latest().drop(4401);
    }
    expect(connection.state).toBe('failed');
    expect(lastState()?.detail).toMatchObject({ reason: 'max-attempts', code: 4401, attempt: 2 });
  });

  it.each([
    ['the first', 1],
    ['a later', 2],
  ])(
    'fails at once when the url function gives again the url the server just refused (%s refresh)',
    async (_, closes) => {
      const { connection, sockets, latest, lastState, answerWith } = setupProvided();
      connection.start();
      await vi.advanceTimersByTimeAsync(0);
      for (let close = 1; close < closes; close += 1) {
        latest().accept();
        latest().drop(4401);
        await vi.advanceTimersByTimeAsync(1_000);
      }
      answerWith(() => Promise.resolve(latest().url));
      latest().accept();
      latest().drop(4401, 'token expired');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(sockets).toHaveLength(closes);
      expect(connection.state).toBe('failed');
      expect(lastState()).toEqual({
        state: 'failed',
        detail: {
          from: 'connecting',
          reason: 'stop-code',
          code: 4401,
          closeReason: 'token expired',
        },
      });
    },
  );

  it('earns the retry back once a socket stayed open minUptime: a token that expires every hour is refreshed every hour', async () => {
    const { connection, sockets, latest } = setupProvided();
    connection.start();
    for (let expiry = 1; expiry <= 3; expiry += 1) {
      await vi.advanceTimersByTimeAsync(0);
      latest().accept();
      await vi.advanceTimersByTimeAsync(2_000);
      latest().drop(4401);
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(4);
    expect(connection.state).toBe('connecting');
  });

  it('with a refreshOn code outside stopOn, the url just refused, given again, backs off like any close', async () => {
    const { connection, sockets, latest, lastState, answerWith } = setupProvided({
      reconnect: { refreshOn: [4001] },
    });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    answerWith(() => Promise.resolve('wss://a/?token=1'));
    latest().accept();
    latest().drop(4001);
    await vi.advanceTimersByTimeAsync(0);
    expect(lastState()).toMatchObject({
      state: 'backoff',
      detail: { reason: 'close', code: 4001, attempt: 1 },
    });
    answerWith(undefined);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sockets.map((socket) => socket.url)).toEqual(['wss://a/?token=1', 'wss://a/?token=3']);
  });

  it('opens no socket with an answer that comes after close() or a newer attempt', async () => {
    const { connection, sockets, answerWith } = setupProvided();
    let answer = (_url: string): void => {};
    answerWith(() => new Promise((resolve) => (answer = resolve)));
    connection.start();
    connection.close();
    answer('wss://a/?token=late');
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(0);
    expect(connection.state).toBe('closed');
  });

  it('with a fixed url, a refreshOn code is a stopOn code as before: failed', () => {
    const { connection, latest, lastState } = setup({ heartbeat: false });
    connection.start();
    latest().accept();
    latest().drop(4401);
    expect(connection.state).toBe('failed');
    expect(lastState()?.detail).toMatchObject({ reason: 'stop-code', code: 4401 });
  });
});
