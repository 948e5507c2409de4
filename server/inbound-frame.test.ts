import { describe, expect, it } from 'vitest';
import { classifyInboundFrame } from './inbound-frame';

describe('classifyInboundFrame', () => {
  it.each([
    ['ping', 'ping'],
    ['HeartBeat', 'HeartBeat'],
    [{ type: 'ping' }, '{"type":"ping","ts":1}'],
  ] as const)('recognises the heartbeat %j', (ping, text) => {
    expect(classifyInboundFrame(text, ping)).toEqual({ kind: 'heartbeat' });
  });

  it('leaves heartbeats to the app when there is no ping to answer', () => {
    expect(classifyInboundFrame('ping', undefined)).toEqual({ kind: 'app', data: 'ping' });
  });

  it('does not take a near miss for the heartbeat', () => {
    expect(classifyInboundFrame('ping ', 'ping')).toEqual({ kind: 'app', data: 'ping ' });
    expect(classifyInboundFrame('{"type":"pong"}', { type: 'ping' })).toEqual({
      kind: 'app',
      data: { type: 'pong' },
    });
  });

  it('reads a sub frame', () => {
    expect(classifyInboundFrame('{"$ts":"sub","topics":["a","b"]}', 'ping')).toEqual({
      kind: 'subscribe',
      frame: { $ts: 'sub', topics: ['a', 'b'] },
    });
  });

  it.each([
    ['{"$ts":"sub","topics":', 'malformed', /not valid JSON/],
    ['  { "$ts" : "sub" ', 'malformed', /not valid JSON/],
    ['{"$ts":null}', 'malformed', /must be a string/],
    ['{"$ts":"sub","topics":"a"}', 'malformed', /array of strings/],
    ['{"$ts":"sub","topics":[null]}', 'malformed', /array of strings/],
    ['{"$ts":"unsub"}', 'unknown-kind', /Unknown control frame kind "unsub"/],
    ['{"$ts":"error","code":"x","message":"y"}', 'unknown-kind', /"error"/],
  ])('refuses %s as %s', (text, code, message) => {
    const frame = classifyInboundFrame(text, 'ping');
    expect(frame).toMatchObject({ kind: 'refused', code });
    expect(frame.kind === 'refused' && frame.message).toMatch(message);
  });

  it.each([
    ['plain text', 'plain text'],
    ['{"kind":"chat"}', { kind: 'chat' }],
    ['[1,2]', [1, 2]],
    ['42', 42],
    ['{"$tsx":1}', { $tsx: 1 }],
    ['{broken json', '{broken json'],
    ['[{"$ts":"sub"}]', [{ $ts: 'sub' }]],
  ])('passes %s to the app', (text, data) => {
    expect(classifyInboundFrame(text, 'ping')).toEqual({ kind: 'app', data });
  });
});
