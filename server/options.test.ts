import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { InvalidOptionError, TabSocketError } from '../protocol/errors';
import { MemoryPresenceStore } from './memory/memory-presence-store';
import {
  DEFAULT_LIVENESS,
  DEFAULT_MAX_PAYLOAD,
  resolveOptions,
  type TabSocketServerOptions,
} from './options';

describe('resolveOptions', () => {
  it('fills every default', () => {
    const resolved = resolveOptions({ port: 0 });
    expect(resolved).toMatchObject({
      target: {
        kind: 'port',
        port: 0,
        host: '127.0.0.1',
        path: undefined,
        maxPayload: DEFAULT_MAX_PAYLOAD,
      },
      heartbeat: { ping: 'ping', pong: 'pong' },
      liveness: DEFAULT_LIVENESS,
      authenticate: undefined,
      topicKey: 'topic',
      hello: true,
      replay: { maxCount: 1_000, maxAge: 120_000, maxBytes: 1024 * 1024, dedupeWindow: 1_024 },
      sessions: { maxPerUser: 16, maxTotal: 10_000 },
      maxBufferedAmount: 4 * 1024 * 1024,
      maxRefusals: 100,
    });
    expect(resolved.presenceStore).toBeInstanceOf(MemoryPresenceStore);
  });

  it('spreads partial replay and sessions over the defaults', () => {
    const resolved = resolveOptions({
      port: 0,
      replay: { maxBytes: 10 },
      sessions: { maxTotal: 5 },
    });
    expect(resolved.replay).toMatchObject({ maxCount: 1_000, maxBytes: 10 });
    expect(resolved.sessions).toEqual({ maxPerUser: 16, maxTotal: 5 });
  });

  it('spreads partial heartbeat and liveness over the defaults', () => {
    const resolved = resolveOptions({
      port: 0,
      heartbeat: { ping: { type: 'ping' } },
      liveness: { timeout: 5 },
    });
    expect(resolved.heartbeat).toEqual({ ping: { type: 'ping' }, pong: 'pong' });
    expect(resolved.liveness).toEqual({ interval: DEFAULT_LIVENESS.interval, timeout: 5 });
  });

  it('keeps false for heartbeat and liveness', () => {
    const resolved = resolveOptions({ port: 0, heartbeat: false, liveness: false });
    expect(resolved.heartbeat).toBe(false);
    expect(resolved.liveness).toBe(false);
  });

  it('attaches to a given wss and keeps a given store', () => {
    const wss = new WebSocketServer({ noServer: true });
    const presenceStore = new MemoryPresenceStore();
    const resolved = resolveOptions({ wss, presenceStore });
    expect(resolved.target).toEqual({ kind: 'attach', wss });
    expect(resolved.presenceStore).toBe(presenceStore);
  });

  it('takes an http server with a path', () => {
    const server = createServer();
    expect(resolveOptions({ server, path: '/ws' }).target).toEqual({
      kind: 'server',
      server,
      path: '/ws',
      maxPayload: DEFAULT_MAX_PAYLOAD,
    });
  });

  it('takes the heartbeat object the client takes, keeping its ping and pong', () => {
    const clientHeartbeat = { interval: 20_000, timeout: 5_000, ping: 'p', pong: { t: 'q' } };
    const resolved = resolveOptions({ port: 0, heartbeat: clientHeartbeat });
    expect(resolved.heartbeat).toEqual({ ping: 'p', pong: { t: 'q' } });
  });

  it('takes undefined for the default, as a missing key', () => {
    const resolved = resolveOptions({
      port: 0,
      replay: { maxCount: undefined },
      topicKey: undefined,
    } as unknown as TabSocketServerOptions);
    expect(resolved.replay.maxCount).toBe(1_000);
    expect(resolved.topicKey).toBe('topic');
  });

  it('accepts durations up to 2^31-1 ms, the longest timer', () => {
    const resolved = resolveOptions({
      port: 0,
      liveness: { interval: 2 ** 31 - 1 },
      replay: { maxAge: 2 ** 31 - 1 },
    });
    expect(resolved.liveness).toMatchObject({ interval: 2 ** 31 - 1 });
    expect(resolved.replay.maxAge).toBe(2 ** 31 - 1);
  });

  const refusals: [string, unknown, string][] = [
    ['a negative port', { port: -1 }, 'option "port" must be an integer from 0 to 65535 (got -1)'],
    [
      'a fractional interval',
      { port: 0, liveness: { interval: 1.5 } },
      'option "liveness.interval" must be an integer from 1 to 2147483647 ms (got 1.5)',
    ],
    ['a zero interval', { port: 0, liveness: { interval: 0 } }, 'option "liveness.interval"'],
    [
      'an interval past 2^31-1',
      { port: 0, liveness: { interval: 2 ** 31 } },
      'from 1 to 2147483647 ms (got 2147483648)',
    ],
    [
      'a replay.maxAge past 2^31-1',
      { port: 0, replay: { maxAge: 2 ** 31 } },
      'option "replay.maxAge" must be an integer from 1 to 2147483647 ms',
    ],
    [
      'a timeout longer than the interval',
      { port: 0, liveness: { interval: 100, timeout: 101 } },
      'option "liveness.timeout" must be an integer from 1 to 100 (got 101)',
    ],
    ['a zero maxPayload', { port: 0, maxPayload: 0 }, 'option "maxPayload"'],
    [
      'a dedupeWindow past 65536',
      { port: 0, replay: { dedupeWindow: 65_537 } },
      'option "replay.dedupeWindow" must be an integer from 1 to 65536 (got 65537)',
    ],
    ['a negative replay.maxBytes', { port: 0, replay: { maxBytes: -1 } }, '"replay.maxBytes"'],
    ['zero sessions per user', { port: 0, sessions: { maxPerUser: 0 } }, '"sessions.maxPerUser"'],
    ['zero sessions in total', { port: 0, sessions: { maxTotal: 0 } }, '"sessions.maxTotal"'],
    ['a zero maxBufferedAmount', { port: 0, maxBufferedAmount: 0 }, '"maxBufferedAmount"'],
    ['a fractional maxRefusals', { port: 0, maxRefusals: 1.5 }, '"maxRefusals"'],
    [
      'no target',
      {},
      'exactly one of the options "wss", "port" and "server" must be given (got none)',
    ],
    ['two targets', { port: 0, server: createServer() }, '(got port, server)'],
    ['host without port', { server: createServer(), host: 'x' }, 'option "host" needs "port"'],
    [
      'maxPayload with wss',
      { wss: new WebSocketServer({ noServer: true }), maxPayload: 10 },
      'option "maxPayload" applies to a server created here: set it on the WebSocketServer',
    ],
    [
      'path with wss',
      { wss: new WebSocketServer({ noServer: true }), path: '/ws' },
      'option "path" applies to a server created here',
    ],
    [
      'a path without a slash',
      { port: 0, path: 'ws' },
      'option "path" must be a string starting with "/" (got "ws")',
    ],
    ['an empty host', { port: 0, host: '' }, 'option "host" must be a non-empty string'],
    [
      'an empty ping',
      { port: 0, heartbeat: { ping: '' } },
      'option "heartbeat.ping" must be a non-empty string or an object of string, finite number, boolean or null fields',
    ],
    ['a nested pong', { port: 0, heartbeat: { pong: { a: { b: 1 } } } }, '"heartbeat.pong"'],
    ['an empty object ping', { port: 0, heartbeat: { ping: {} } }, '"heartbeat.ping"'],
    [
      'a non-function authenticate',
      { port: 0, authenticate: 'yes' },
      'option "authenticate" must be a function (got "yes")',
    ],
    [
      'topicKey "$ts"',
      { port: 0, topicKey: '$ts' },
      'option "topicKey" must not be "$ts", the field of control frames',
    ],
    ['an empty topicKey', { port: 0, topicKey: '' }, 'option "topicKey" must be a non-empty'],
    ['a non-boolean hello', { port: 0, hello: 1 }, 'option "hello" must be a boolean (got 1)'],
    ['liveness true', { port: 0, liveness: true }, 'option "liveness" must be an object'],
  ];

  it.each(refusals)(
    'refuses %s with InvalidOptionError, worded as the client',
    (_, options, message) => {
      let thrown: unknown;
      try {
        resolveOptions(options as TabSocketServerOptions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect(thrown).toBeInstanceOf(TabSocketError);
      expect(thrown).toMatchObject({ code: 'TS_ERR_INVALID_OPTION' });
      expect((thrown as Error).message).toMatch(/^tabsocket: /);
      expect((thrown as Error).message).toContain(message);
    },
  );

  describe('drifts from the client, now closed', () => {
    it.each([
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
    ])('refuses %s in a heartbeat frame object, as the worker does', (_, n) => {
      for (const field of ['ping', 'pong']) {
        const heartbeat = { [field]: { type: field, n } };
        expect(() => resolveOptions({ port: 0, heartbeat })).toThrow(
          `option "heartbeat.${field}" must be a non-empty string or an object of string, finite number`,
        );
      }
    });
  });
});
