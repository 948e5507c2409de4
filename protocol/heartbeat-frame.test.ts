import { describe, expect, it } from 'vitest';
import { encodeHeartbeatFrame, matchesHeartbeatFrame, parseJson } from './heartbeat-frame';

describe('encodeHeartbeatFrame', () => {
  it('sends a string frame as is', () => {
    expect(encodeHeartbeatFrame('ping')).toBe('ping');
    expect(encodeHeartbeatFrame('{"type":"ping"}')).toBe('{"type":"ping"}');
  });

  it('sends an object frame as JSON', () => {
    const frame = { type: 'ping', n: 1, ok: true, ref: null };
    expect(encodeHeartbeatFrame(frame)).toBe('{"type":"ping","n":1,"ok":true,"ref":null}');
  });
});

describe('matchesHeartbeatFrame', () => {
  describe('with a string pattern', () => {
    it('matches only the exact text', () => {
      expect(matchesHeartbeatFrame('pong', 'pong')).toBe(true);
      expect(matchesHeartbeatFrame('pong', 'Pong')).toBe(false);
      expect(matchesHeartbeatFrame('pong', 'pong ')).toBe(false);
      expect(matchesHeartbeatFrame('pong', 'pong!')).toBe(false);
      expect(matchesHeartbeatFrame('pong', '')).toBe(false);
    });

    it('compares the text even when the frame is JSON', () => {
      expect(matchesHeartbeatFrame('"pong"', '"pong"', 'pong')).toBe(true);
      expect(matchesHeartbeatFrame('pong', '"pong"', 'pong')).toBe(false);
    });
  });

  describe('with an object pattern', () => {
    const pattern = { type: 'pong' };

    it('matches a JSON object with the same fields', () => {
      expect(matchesHeartbeatFrame(pattern, '{"type":"pong"}')).toBe(true);
    });

    it('matches a JSON object with extra fields', () => {
      expect(matchesHeartbeatFrame(pattern, '{"type":"pong","ts":1700000000}')).toBe(true);
    });

    it('does not match an object whose field has a different value', () => {
      expect(matchesHeartbeatFrame(pattern, '{"type":"ping"}')).toBe(false);
      expect(matchesHeartbeatFrame({ n: 1 }, '{"n":"1"}')).toBe(false);
    });

    it('does not match an object missing a field of the pattern', () => {
      expect(matchesHeartbeatFrame({ type: 'pong', v: 2 }, '{"type":"pong"}')).toBe(false);
    });

    it('matches every field type by value, null included', () => {
      const full = { type: 'pong', n: 2, ok: false, ref: null };
      expect(matchesHeartbeatFrame(full, JSON.stringify(full))).toBe(true);
      expect(matchesHeartbeatFrame({ ref: null }, '{}')).toBe(false);
    });

    it.each([
      ['an array', '[{"type":"pong"}]'],
      ['text that is not JSON', 'pong'],
      ['broken JSON', '{"type":"pong"'],
      ['null', 'null'],
      ['a JSON string', '"pong"'],
      ['a number', '1'],
    ])('does not match %s', (_, text) => {
      expect(matchesHeartbeatFrame(pattern, text)).toBe(false);
    });

    it('uses the pre-parsed value instead of parsing the text', () => {
      expect(matchesHeartbeatFrame(pattern, 'not json', { type: 'pong' })).toBe(true);
      expect(matchesHeartbeatFrame(pattern, '{"type":"pong"}', { type: 'other' })).toBe(false);
      expect(matchesHeartbeatFrame(pattern, '{"type":"pong"}', null)).toBe(false);
    });
  });
});

describe('parseJson', () => {
  it('returns the parsed value of JSON text', () => {
    expect(parseJson('{"a":[1,null]}')).toEqual({ a: [1, null] });
  });

  it('returns undefined for text that is not JSON', () => {
    expect(parseJson('pong')).toBeUndefined();
    expect(parseJson('')).toBeUndefined();
  });
});
