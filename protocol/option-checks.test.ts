import { describe, expect, it } from 'vitest';
import { MAX_TIMER_DELAY } from './clock';
import { InvalidOptionError } from './errors';
import {
  duration,
  falseOr,
  group,
  HEARTBEAT_FRAMES_SCHEMA,
  heartbeatFrame,
  integer,
  numberIn,
  oneOf,
  resolveGroup,
  type Schema,
  strictGroup,
  TOPIC_KEY_SCHEMA,
} from './option-checks';

/** The message a check throws for `value`, or undefined when it passes. */
function refusal(check: (value: unknown, option: string) => unknown, value: unknown) {
  try {
    check(value, 'x');
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: 'TS_ERR_INVALID_OPTION' });
    return (error as Error).message;
  }
}

describe('numberIn()', () => {
  it('takes integers in range and words the range', () => {
    const check = numberIn(1, 10);
    expect(check(1, 'x')).toBe(1);
    expect(check(10, 'x')).toBe(10);
    expect(refusal(check, 11)).toBe(
      'tabsocket: option "x" must be an integer from 1 to 10 (got 11)',
    );
    expect(refusal(check, 1.5)).toContain('(got 1.5)');
    expect(refusal(check, Number.NaN)).toContain('(got NaN)');
  });

  it('says "of at least" when there is no upper bound', () => {
    expect(refusal(integer(0), -1)).toBe(
      'tabsocket: option "x" must be an integer of at least 0 (got -1)',
    );
  });

  it('accepts Infinity as an upper bound that is itself allowed (maxAttempts)', () => {
    const check = integer(1, Number.POSITIVE_INFINITY);
    expect(check(Number.POSITIVE_INFINITY, 'x')).toBe(Number.POSITIVE_INFINITY);
    expect(refusal(check, Number.NEGATIVE_INFINITY)).toContain('an integer of at least 1');
  });

  it('takes any finite number when not whole', () => {
    const check = numberIn(0, 1, false);
    expect(check(0.5, 'x')).toBe(0.5);
    expect(refusal(check, Number.NaN)).toBe(
      'tabsocket: option "x" must be a finite number from 0 to 1 (got NaN)',
    );
    expect(refusal(numberIn(1, Number.POSITIVE_INFINITY, false), Number.POSITIVE_INFINITY)).toBe(
      'tabsocket: option "x" must be a finite number of at least 1 (got Infinity)',
    );
  });
});

describe('duration()', () => {
  it('is whole ms up to the longest timer, 2^31-1', () => {
    expect(MAX_TIMER_DELAY).toBe(2 ** 31 - 1);
    expect(duration(0)(MAX_TIMER_DELAY, 'x')).toBe(MAX_TIMER_DELAY);
    expect(refusal(duration(0), 1e12)).toBe(
      'tabsocket: option "x" must be an integer from 0 to 2147483647 ms (got 1000000000000)',
    );
    expect(refusal(duration(1), 0)).toContain('from 1 to');
    expect(refusal(duration(0), 0.5)).toContain('(got 0.5)');
  });
});

describe('oneOf()', () => {
  it('lists what it takes', () => {
    expect(refusal(oneOf('a', 'b'), 'c')).toBe(
      'tabsocket: option "x" must be one of a, b (got "c")',
    );
  });
});

describe('heartbeatFrame', () => {
  it('takes a non-empty string or a flat object of JSON scalars, copied', () => {
    expect(heartbeatFrame('ping', 'x')).toBe('ping');
    const frame = { type: 'ping', n: 1, on: true, none: null };
    expect(heartbeatFrame(frame, 'x')).toEqual(frame);
    expect(heartbeatFrame(frame, 'x')).not.toBe(frame);
  });

  it.each([
    ['NaN', { n: Number.NaN }],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
    ['a nested object', { n: {} }],
    ['an empty object', {}],
    ['an empty string', ''],
    ['an array', ['ping']],
  ])('refuses %s, which JSON cannot carry or a pattern never matches', (_, value) => {
    expect(refusal(heartbeatFrame, value)).toContain(
      'must be a non-empty string or an object of string, finite number, boolean or null fields',
    );
  });

  it('is the ping and pong of both ends, defaulting to "ping" and "pong"', () => {
    expect(resolveGroup(HEARTBEAT_FRAMES_SCHEMA, {}, 'heartbeat')).toEqual({
      ping: 'ping',
      pong: 'pong',
    });
  });
});

describe('TOPIC_KEY_SCHEMA', () => {
  const [fallback, check] = TOPIC_KEY_SCHEMA;

  it('defaults to "topic"', () => {
    expect(fallback).toBe('topic');
  });

  it('refuses "$ts", the field of control frames, and the empty string', () => {
    expect(refusal(check, '$ts')).toBe(
      'tabsocket: option "x" must not be "$ts", the field of control frames (got "$ts")',
    );
    expect(refusal(check, '')).toContain('must be a non-empty string');
    expect(check('channel', 'x')).toBe('channel');
  });
});

describe('groups', () => {
  const schema: Schema<{ low: number; high: number }> = {
    low: [1, integer(0)],
    high: [5, (value, option, resolved) => integer(resolved?.low as number)(value, option)],
  };

  it('fills defaults for missing and undefined keys, in the order of the schema', () => {
    expect(resolveGroup(schema, { high: undefined }, 'range')).toEqual({ low: 1, high: 5 });
    expect(refusal(group(schema), { low: 7 })).toBe(
      'tabsocket: option "x.high" must be an integer of at least 7 (got 5)',
    );
  });

  it('names the group when it is not an object', () => {
    expect(refusal(group(schema), [])).toBe(
      'tabsocket: option "x" must be an object (got an array)',
    );
    expect(refusal(group(schema), null)).toContain('(got null)');
  });

  it('leaves unknown keys alone, unless strict', () => {
    expect(group(schema)({ extra: 1 }, 'x')).toEqual({ low: 1, high: 5 });
    expect(refusal(strictGroup(schema), { extra: 1 })).toBe(
      'tabsocket: option "x.extra" is not an option',
    );
    // A key of Object.prototype is no option either.
    expect(refusal(strictGroup(schema), JSON.parse('{"toString":1}'))).toContain('"x.toString"');
  });

  it('takes false for "off" where falseOr allows it', () => {
    expect(falseOr(group(schema))(false, 'x')).toBe(false);
    expect(refusal(falseOr(group(schema)), true)).toContain('must be an object (got true)');
  });
});
