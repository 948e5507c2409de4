import { describe, expect, it } from 'vitest';
import { encodeControlFrame } from './control-frame';

describe('encodeControlFrame', () => {
  it('writes the hello frame the worker expects', () => {
    expect(encodeControlFrame({ $ts: 'hello', v: 1, nonce: 'abc' })).toBe(
      '{"$ts":"hello","v":1,"nonce":"abc"}',
    );
  });
});
