import { describe, expect, it } from 'vitest';
import {
  encodePayload,
  encodePushData,
  encodePushFrame,
  encodeTopicFrame,
  pushPayload,
} from './push-payload';

describe('encodePushData', () => {
  it('sends a string as is and anything else as JSON', () => {
    expect(encodePushData('{"already":"json"}')).toBe('{"already":"json"}');
    expect(encodePushData({ a: 1 })).toBe('{"a":1}');
    expect(encodePushData([1, 'x'])).toBe('[1,"x"]');
    expect(encodePushData(null)).toBe('null');
    expect(encodePushData(false)).toBe('false');
  });

  it('throws a TypeError for what JSON cannot carry', () => {
    expect(() => encodePushData((() => 1) as unknown as object)).toThrow(TypeError);
    expect(() => encodePushData(10n as unknown as object)).toThrow(TypeError);
  });
});

describe('encodeTopicFrame', () => {
  it('puts the topic first in an object, under topicKey', () => {
    expect(encodeTopicFrame('topic', 'news', { text: 'hi' })).toBe('{"topic":"news","text":"hi"}');
    expect(encodeTopicFrame('channel', 'news', { n: 1 })).toBe('{"channel":"news","n":1}');
  });

  it("lets the published topic win over the data's own field", () => {
    expect(encodeTopicFrame('topic', 'news', { topic: 'other', n: 1 })).toBe(
      '{"topic":"news","n":1}',
    );
  });

  it('sends data that cannot carry a topic as is', () => {
    expect(encodeTopicFrame('topic', 'news', 'text')).toBe('text');
    expect(encodeTopicFrame('topic', 'news', [1])).toBe('[1]');
  });
});

describe('pushPayload', () => {
  it('counts the UTF-8 bytes of the push frame, the largest seq assumed', () => {
    const body = encodePayload('é');
    const frame = encodePushFrame(Number.MAX_SAFE_INTEGER, body);
    expect(pushPayload(body)).toEqual({ body, bytes: Buffer.byteLength(frame) });
  });
});
