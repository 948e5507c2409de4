import { describe, expect, it } from 'vitest';
import { type ConnectionOptions, resolveOptions, URL_PROVIDED } from './connection-options';
import { InvalidOptionError, TabSocketError } from './errors';

const url = 'wss://example.com/socket';

/** Resolves options given as untyped data, the way a JavaScript caller may pass them. */
function resolve(input: Record<string, unknown>, baseUrl?: string) {
  return resolveOptions(input as unknown as ConnectionOptions, baseUrl);
}

/** Asserts that `input` is rejected with an InvalidOptionError naming `option`. */
function expectRejected(input: Record<string, unknown>, option: string, baseUrl?: string): void {
  let thrown: unknown;
  try {
    resolve(input, baseUrl);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected option "${option}" to be rejected`).toBeInstanceOf(InvalidOptionError);
  expect(thrown).toBeInstanceOf(TabSocketError);
  const error = thrown as InvalidOptionError;
  expect(error.code).toBe('TS_ERR_INVALID_OPTION');
  expect(error.message).toContain(`option "${option}"`);
}

describe('resolveOptions', () => {
  describe('defaults', () => {
    it('fills in every default when only url is given', () => {
      expect(resolve({ url })).toEqual({
        url,
        name: 'default',
        protocols: [],
        format: 'json',
        heartbeat: { interval: 25_000, timeout: 10_000, ping: 'ping', pong: 'pong' },
        reconnect: {
          minDelay: 1_000,
          maxDelay: 30_000,
          factor: 2,
          jitter: 1,
          maxAttempts: Number.POSITIVE_INFINITY,
          minUptime: 5_000,
          stopOn: [1008, [4400, 4499]],
          refreshOn: [4401],
        },
        connectTimeout: 10_000,
        outboxLimit: 1_000,
        topicKey: 'topic',
        gracePeriod: 5_000,
        limits: { maxPayload: 1024 * 1024, maxTopics: 1_024, maxTopicLength: 256 },
        transports: ['websocket', 'sse'],
        probeDelay: 30_000,
      });
    });

    it('keeps the values given instead of the defaults', () => {
      const resolved = resolve({
        url,
        name: 'chat',
        format: 'text',
        connectTimeout: 3_000,
        outboxLimit: 5,
        topicKey: 'channel',
        gracePeriod: 0,
      });
      expect(resolved).toMatchObject({
        name: 'chat',
        format: 'text',
        connectTimeout: 3_000,
        outboxLimit: 5,
        topicKey: 'channel',
        gracePeriod: 0,
      });
    });

    it('rejects a value that is not an object', () => {
      expect(() => resolveOptions(null as unknown as ConnectionOptions)).toThrow(
        InvalidOptionError,
      );
      expect(() => resolveOptions('wss://x' as unknown as ConnectionOptions)).toThrow(
        'option "options"',
      );
    });

    it.each([
      ['name', ''],
      ['name', 3],
      ['topicKey', ''],
      ['format', 'binary'],
    ])('rejects %s = %j', (option, value) => {
      expectRejected({ url, [option]: value }, option);
    });

    it('takes undefined for the default, as a missing key', () => {
      expect(resolve({ url, name: undefined, heartbeat: { interval: undefined } })).toEqual(
        resolve({ url }),
      );
    });

    it('passes resolved options through unchanged: the worker checks them again', () => {
      const resolved = resolve(
        {
          url: '/socket',
          protocols: 'chat',
          heartbeat: { ping: { type: 'ping' } },
          reconnect: { maxAttempts: 3 },
        },
        'https://example.com/app/',
      );
      expect(resolveOptions(resolved)).toEqual(resolved);
      expect(resolveOptions({ ...resolved, heartbeat: false })).toEqual({
        ...resolved,
        heartbeat: false,
      });
    });
  });

  describe('topicKey', () => {
    it('refuses "$ts", the field of control frames, as the server does', () => {
      expectRejected({ url, topicKey: '$ts' }, 'topicKey');
      expect(() => resolve({ url, topicKey: '$ts' })).toThrow(
        'tabsocket: option "topicKey" must not be "$ts", the field of control frames (got "$ts")',
      );
    });

    it('accepts any other field name', () => {
      expect(resolve({ url, topicKey: 'ts' }).topicKey).toBe('ts');
    });
  });

  describe('messages', () => {
    it.each([
      [{ url, name: 3 }, 'option "name" must be a non-empty string (got 3)'],
      [{ url, colour: 'red' }, 'option "colour" is not an option'],
      [
        { url, heartbeat: { interval: -5 } },
        'option "heartbeat.interval" must be an integer from 1 to 2147483647 ms (got -5)',
      ],
      [
        { url, reconnect: { jitter: 2 } },
        'option "reconnect.jitter" must be a finite number from 0 to 1 (got 2)',
      ],
      [
        { url, reconnect: { factor: 0.5 } },
        'option "reconnect.factor" must be a finite number of at least 1 (got 0.5)',
      ],
      [
        { url, outboxLimit: '10' },
        'option "outboxLimit" must be an integer of at least 1 (got "10")',
      ],
      [{ url, heartbeat: [] }, 'option "heartbeat" must be an object (got an array)'],
      [{ url, reconnect: () => {} }, 'option "reconnect" must be an object (got a function)'],
      [{ url, format: {} }, 'option "format" must be one of json, text (got an object)'],
    ])('words a refusal as tabsocket: option "…" must …: %j', (input, message) => {
      expect(() => resolve(input)).toThrow(`tabsocket: ${message}`);
    });
  });

  describe('url', () => {
    it.each([
      ['ws://example.com/socket', 'ws://example.com/socket'],
      ['wss://example.com/socket?token=a', 'wss://example.com/socket?token=a'],
      ['http://example.com:8080/socket', 'ws://example.com:8080/socket'],
      ['https://example.com/socket', 'wss://example.com/socket'],
    ])('turns %s into %s', (given, expected) => {
      expect(resolve({ url: given }).url).toBe(expected);
    });

    it('resolves a path against the base url, with the matching ws scheme', () => {
      expect(resolve({ url: '/socket' }, 'https://example.com/app/page').url).toBe(
        'wss://example.com/socket',
      );
      expect(resolve({ url: 'socket' }, 'http://localhost:5173/app/').url).toBe(
        'ws://localhost:5173/app/socket',
      );
    });

    it('rejects a path when there is no base url', () => {
      expectRejected({ url: '/socket' }, 'url');
    });

    it('rejects a url with a fragment', () => {
      expectRejected({ url: 'wss://example.com/socket#part' }, 'url');
    });

    it('rejects a url with an empty fragment', () => {
      // `new URL('wss://h/#').hash` is '' but the href keeps the '#', which WebSocket rejects.
      expectRejected({ url: 'wss://example.com/socket#' }, 'url');
    });

    it.each([['ftp://example.com/socket'], ['file:///tmp/socket'], ['not a url']])(
      'rejects %s',
      (given) => {
        expectRejected({ url: given }, 'url');
      },
    );

    it.each([[''], [undefined], [42], [{ href: url }]])('rejects url = %j', (given) => {
      expectRejected({ url: given }, 'url');
    });

    it('takes a function as a url provider: it crosses to the worker as URL_PROVIDED, which the worker takes again', () => {
      const resolved = resolve({ url: () => url });
      expect(resolved.url).toBe(URL_PROVIDED);
      expect(resolve({ ...resolved }).url).toBe(URL_PROVIDED);
    });
  });

  describe('unknown keys', () => {
    it('rejects an unknown top-level key, naming it', () => {
      expectRejected({ url, reconect: {} }, 'reconect');
    });

    it('rejects an unknown heartbeat key, naming it with its path', () => {
      expectRejected({ url, heartbeat: { x: 1 } }, 'heartbeat.x');
    });

    it('rejects an unknown reconnect key, naming it with its path', () => {
      expectRejected({ url, reconnect: { x: 1 } }, 'reconnect.x');
    });

    it('accepts extraKeys the caller handles itself', () => {
      const input = { url, worker: 'custom' } as unknown as ConnectionOptions;
      expect(resolveOptions(input, undefined, ['worker']).url).toBe(url);
      expect(() => resolveOptions(input)).toThrow('option "worker"');
    });
  });

  describe('limits', () => {
    it('keeps the limits given, the defaults for the others', () => {
      expect(resolve({ url, limits: { maxPayload: 64 } }).limits).toEqual({
        maxPayload: 64,
        maxTopics: 1_024,
        maxTopicLength: 256,
      });
    });

    it.each([
      ['maxPayload', 0],
      ['maxTopics', 1.5],
      ['maxTopicLength', '256'],
      ['maxBytes', 1],
    ])('rejects limits.%s = %s', (option, value) => {
      expectRejected({ url, limits: { [option]: value } }, `limits.${option}`);
    });
  });

  describe('transports', () => {
    it.each([[['websocket', 'sse']], [['websocket']], [['sse']]])('takes %j', (transports) => {
      expect(resolve({ url, transports }).transports).toEqual(transports);
    });

    it.each([
      [[]],
      [['sse', 'websocket']],
      [['websocket', 'websocket']],
      [['websocket,sse']],
      ['websocket'],
      [['polling']],
    ])('rejects %j', (transports) => {
      expectRejected({ url, transports }, 'transports');
    });

    it('rejects a probeDelay that is no duration', () => {
      expectRejected({ url, probeDelay: 0 }, 'probeDelay');
    });
  });

  describe('durations', () => {
    const MAX_TIMER_DELAY = 2 ** 31 - 1;

    it.each([
      ['connectTimeout', 2 ** 31],
      ['connectTimeout', 1.5],
      ['gracePeriod', 1e12],
      ['gracePeriod', 0.5],
    ])('rejects %s = %s: durations are whole ms up to 2^31-1, as timers take', (option, value) => {
      expectRejected({ url, [option]: value }, option);
    });

    it('rejects heartbeat.interval = 1e12 (a timer would fire at once)', () => {
      expectRejected({ url, heartbeat: { interval: 1e12 } }, 'heartbeat.interval');
      expectRejected({ url, heartbeat: { timeout: 2 ** 31 } }, 'heartbeat.timeout');
    });

    it.each(['minDelay', 'maxDelay', 'minUptime'])('rejects reconnect.%s past 2^31-1', (field) => {
      expectRejected({ url, reconnect: { [field]: 2 ** 31 } }, `reconnect.${field}`);
    });

    it('accepts 2^31-1 ms, the longest timer', () => {
      const resolved = resolve({
        url,
        connectTimeout: MAX_TIMER_DELAY,
        gracePeriod: MAX_TIMER_DELAY,
        heartbeat: { interval: MAX_TIMER_DELAY, timeout: MAX_TIMER_DELAY },
        reconnect: { maxDelay: MAX_TIMER_DELAY, minUptime: MAX_TIMER_DELAY },
      });
      expect(resolved).toMatchObject({
        connectTimeout: MAX_TIMER_DELAY,
        gracePeriod: MAX_TIMER_DELAY,
      });
    });

    it.each([
      ['connectTimeout', 0],
      ['connectTimeout', -1],
      ['connectTimeout', Number.NaN],
      ['connectTimeout', Number.POSITIVE_INFINITY],
      ['connectTimeout', '1000'],
      ['gracePeriod', -1],
      ['gracePeriod', Number.NaN],
      ['gracePeriod', Number.POSITIVE_INFINITY],
    ])('rejects %s = %s', (option, value) => {
      expectRejected({ url, [option]: value }, option);
    });

    it.each([
      ['interval', 0],
      ['interval', -5],
      ['interval', Number.NaN],
      ['interval', Number.POSITIVE_INFINITY],
      ['timeout', 0],
      ['timeout', Number.NaN],
      ['timeout', Number.POSITIVE_INFINITY],
    ])('rejects heartbeat.%s = %s', (field, value) => {
      expectRejected({ url, heartbeat: { [field]: value } }, `heartbeat.${field}`);
    });

    it.each([
      ['minDelay', -1],
      ['minDelay', Number.NaN],
      ['minUptime', -1],
      ['minUptime', Number.POSITIVE_INFINITY],
      ['maxDelay', Number.POSITIVE_INFINITY],
    ])('rejects reconnect.%s = %s', (field, value) => {
      expectRejected({ url, reconnect: { [field]: value } }, `reconnect.${field}`);
    });
  });

  describe('heartbeat', () => {
    it('is false when turned off', () => {
      expect(resolve({ url, heartbeat: false }).heartbeat).toBe(false);
    });

    it('rejects true and other non-objects', () => {
      expectRejected({ url, heartbeat: true }, 'heartbeat');
      expectRejected({ url, heartbeat: null }, 'heartbeat');
      expectRejected({ url, heartbeat: [] }, 'heartbeat');
    });

    it('merges a partial object with the defaults', () => {
      expect(resolve({ url, heartbeat: { interval: 5_000 } }).heartbeat).toEqual({
        interval: 5_000,
        timeout: 10_000,
        ping: 'ping',
        pong: 'pong',
      });
    });

    it('accepts object ping and pong frames and copies them', () => {
      const ping = { type: 'ping', n: 1, urgent: false, ref: null };
      const heartbeat = resolve({ url, heartbeat: { ping, pong: { type: 'pong' } } }).heartbeat;
      if (heartbeat === false) throw new Error('expected the heartbeat to be on');
      expect(heartbeat).toMatchObject({ ping, pong: { type: 'pong' } });
      expect(heartbeat.ping).not.toBe(ping);
    });

    it.each([
      ['an empty string', ''],
      ['a number', 1],
      ['null', null],
      ['an array', ['ping']],
      ['an empty object', {}],
      ['an object with a nested object field', { type: 'ping', meta: { a: 1 } }],
      ['an object with an array field', { type: 'ping', list: [1] }],
    ])('rejects a ping frame that is %s', (_, value) => {
      expectRejected({ url, heartbeat: { ping: value } }, 'heartbeat.ping');
    });

    it('rejects a pong frame with a nested object field', () => {
      expectRejected({ url, heartbeat: { pong: { type: { is: 'pong' } } } }, 'heartbeat.pong');
    });

    it('rejects an empty pong object', () => {
      expectRejected({ url, heartbeat: { pong: {} } }, 'heartbeat.pong');
    });

    it('rejects a frame field that JSON cannot carry (NaN, Infinity)', () => {
      // JSON.stringify writes NaN as null, and a NaN pattern never equals anything.
      expectRejected(
        { url, heartbeat: { pong: { type: 'pong', n: Number.NaN } } },
        'heartbeat.pong',
      );
      expectRejected(
        { url, heartbeat: { ping: { n: Number.POSITIVE_INFINITY } } },
        'heartbeat.ping',
      );
    });
  });

  describe('reconnect', () => {
    it('merges a partial object with the defaults', () => {
      expect(resolve({ url, reconnect: { maxDelay: 60_000 } }).reconnect).toMatchObject({
        minDelay: 1_000,
        maxDelay: 60_000,
        factor: 2,
        jitter: 1,
      });
    });

    it.each([[0], [0.5], [1]])('accepts jitter %s', (jitter) => {
      expect(resolve({ url, reconnect: { jitter } }).reconnect.jitter).toBe(jitter);
    });

    it.each([[-0.1], [1.1], [Number.NaN]])('rejects jitter %s', (jitter) => {
      expectRejected({ url, reconnect: { jitter } }, 'reconnect.jitter');
    });

    it('accepts factor 1 and rejects a factor below 1', () => {
      expect(resolve({ url, reconnect: { factor: 1 } }).reconnect.factor).toBe(1);
      expectRejected({ url, reconnect: { factor: 0.9 } }, 'reconnect.factor');
      expectRejected({ url, reconnect: { factor: Number.POSITIVE_INFINITY } }, 'reconnect.factor');
    });

    it('rejects maxDelay below minDelay', () => {
      expectRejected(
        { url, reconnect: { minDelay: 2_000, maxDelay: 1_000 } },
        'reconnect.maxDelay',
      );
      expectRejected({ url, reconnect: { maxDelay: 999 } }, 'reconnect.maxDelay');
    });

    it('accepts maxDelay equal to minDelay', () => {
      const reconnect = resolve({ url, reconnect: { minDelay: 500, maxDelay: 500 } }).reconnect;
      expect(reconnect).toMatchObject({ minDelay: 500, maxDelay: 500 });
    });

    it.each([[0], [1.5], [-1], [Number.NaN], [Number.NEGATIVE_INFINITY]])(
      'rejects maxAttempts %s',
      (maxAttempts) => {
        expectRejected({ url, reconnect: { maxAttempts } }, 'reconnect.maxAttempts');
      },
    );

    it('accepts maxAttempts 1 and Infinity', () => {
      expect(resolve({ url, reconnect: { maxAttempts: 1 } }).reconnect.maxAttempts).toBe(1);
      const maxAttempts = Number.POSITIVE_INFINITY;
      expect(resolve({ url, reconnect: { maxAttempts } }).reconnect.maxAttempts).toBe(maxAttempts);
    });

    describe('stopOn', () => {
      it('accepts single codes and inclusive ranges', () => {
        const stopOn = [1000, 4999, [4000, 4099], [4100, 4100]];
        expect(resolve({ url, reconnect: { stopOn } }).reconnect.stopOn).toEqual(stopOn);
      });

      it('accepts an empty list', () => {
        expect(resolve({ url, reconnect: { stopOn: [] } }).reconnect.stopOn).toEqual([]);
      });

      it.each([
        ['a code below 1000', [999]],
        ['a code above 4999', [5000]],
        ['a non-integer code', [4000.5]],
        ['a string code', ['1008']],
        ['a range with low > high', [[4499, 4400]]],
        ['a range reaching out of 1000-4999', [[4000, 5000]]],
        ['a range of one element', [[4000]]],
        ['a range of three elements', [[4000, 4100, 4200]]],
      ])('rejects %s', (_, stopOn) => {
        expectRejected({ url, reconnect: { stopOn } }, 'reconnect.stopOn');
      });

      it('rejects a value that is not an array', () => {
        expectRejected({ url, reconnect: { stopOn: 1008 } }, 'reconnect.stopOn');
      });
    });

    describe('refreshOn', () => {
      it('takes a close code list, as stopOn', () => {
        const refreshOn = [4001, [4401, 4403]];
        expect(resolve({ url, reconnect: { refreshOn } }).reconnect.refreshOn).toEqual(refreshOn);
        expectRejected({ url, reconnect: { refreshOn: [999] } }, 'reconnect.refreshOn');
        expectRejected({ url, reconnect: { refreshOn: 4401 } }, 'reconnect.refreshOn');
      });
    });
  });

  describe('protocols', () => {
    it('turns a string into a list of one', () => {
      expect(resolve({ url, protocols: 'chat.v1' }).protocols).toEqual(['chat.v1']);
    });

    it('keeps an array as a copy', () => {
      const protocols = ['chat.v2', 'chat.v1'];
      const resolved = resolve({ url, protocols }).protocols;
      expect(resolved).toEqual(protocols);
      expect(resolved).not.toBe(protocols);
    });

    it.each([
      ['a repeated protocol', ['chat', 'chat']],
      ['an empty string', ''],
      ['an empty string in the array', ['chat', '']],
      ['a number in the array', ['chat', 1]],
      ['a number', 1],
    ])('rejects %s', (_, protocols) => {
      expectRejected({ url, protocols }, 'protocols');
    });
  });

  describe('outboxLimit', () => {
    it('accepts 1', () => {
      expect(resolve({ url, outboxLimit: 1 }).outboxLimit).toBe(1);
    });

    it.each([[0], [-1], [1.5], [Number.NaN], ['10']])('rejects %s', (outboxLimit) => {
      expectRejected({ url, outboxLimit }, 'outboxLimit');
    });
  });
});
