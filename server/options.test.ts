import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { MemoryPresenceStore } from './memory-presence-store';
import {
  DEFAULT_HEARTBEAT,
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
      heartbeat: DEFAULT_HEARTBEAT,
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

  const rangeErrors: [string, TabSocketServerOptions, RegExp][] = [
    ['a negative port', { port: -1 }, /Invalid port: expected an integer from 0 to 65535/],
    ['a fractional interval', { port: 0, liveness: { interval: 1.5 } }, /liveness.interval/],
    ['a zero interval', { port: 0, liveness: { interval: 0 } }, /liveness.interval/],
    ['an interval past 2^31-1', { port: 0, liveness: { interval: 2 ** 31 } }, /2147483647/],
    [
      'a timeout longer than the interval',
      { port: 0, liveness: { interval: 100, timeout: 101 } },
      /Invalid liveness.timeout: expected an integer from 1 to 100, got 101/,
    ],
    ['a zero maxPayload', { port: 0, maxPayload: 0 }, /Invalid maxPayload/],
    [
      'a dedupeWindow past 65536',
      { port: 0, replay: { dedupeWindow: 65_537 } },
      /Invalid replay.dedupeWindow: expected an integer from 1 to 65536, got 65537/,
    ],
    ['a negative replay.maxBytes', { port: 0, replay: { maxBytes: -1 } }, /replay.maxBytes/],
    ['zero sessions per user', { port: 0, sessions: { maxPerUser: 0 } }, /sessions.maxPerUser/],
    ['zero sessions in total', { port: 0, sessions: { maxTotal: 0 } }, /sessions.maxTotal/],
    ['a zero maxBufferedAmount', { port: 0, maxBufferedAmount: 0 }, /maxBufferedAmount/],
    ['a fractional maxRefusals', { port: 0, maxRefusals: 1.5 }, /maxRefusals/],
  ];

  it.each(rangeErrors)('throws a RangeError for %s', (_, options, message) => {
    expect(() => resolveOptions(options)).toThrow(RangeError);
    expect(() => resolveOptions(options)).toThrow(message);
  });

  const typeErrors: [string, unknown, RegExp][] = [
    ['no target', {}, /Exactly one of wss, port or server must be given, got none/],
    ['two targets', { port: 0, server: createServer() }, /got port, server/],
    ['host without port', { server: createServer(), host: 'x' }, /Invalid host/],
    [
      'maxPayload with wss',
      { wss: new WebSocketServer({ noServer: true }), maxPayload: 10 },
      /set them on the WebSocketServer/,
    ],
    ['a path without a slash', { port: 0, path: 'ws' }, /Invalid path/],
    ['an empty ping', { port: 0, heartbeat: { ping: '' } }, /Invalid heartbeat.ping/],
    ['a nested pong', { port: 0, heartbeat: { pong: { a: { b: 1 } } } }, /heartbeat.pong/],
    ['an empty object ping', { port: 0, heartbeat: { ping: {} } }, /heartbeat.ping/],
    ['a non-function authenticate', { port: 0, authenticate: 'yes' }, /Invalid authenticate/],
    ['topicKey "$ts"', { port: 0, topicKey: '$ts' }, /Invalid topicKey/],
    ['a non-boolean hello', { port: 0, hello: 1 }, /Invalid hello/],
  ];

  it.each(typeErrors)('throws a TypeError for %s', (_, options, message) => {
    const resolve = () => resolveOptions(options as TabSocketServerOptions);
    expect(resolve).toThrow(TypeError);
    expect(resolve).toThrow(message);
  });
});
