/**
 * The checking primitives of every option tabsocket takes, in the tab, in the worker and in
 * the reference server, and the schemas of the values those sides share. A schema lists,
 * per key, its default and its check; `resolveGroup` walks it. Every refusal is an
 * `InvalidOptionError` (`TS_ERR_INVALID_OPTION`) worded one way:
 *
 *     tabsocket: option "heartbeat.interval" must be an integer from 1 to 2147483647 ms (got -5)
 */

import { MAX_TIMER_DELAY } from './clock';
import { InvalidOptionError } from './errors';
import type { HeartbeatFrame } from './heartbeat-frame';

/**
 * Checks the value of `option` (its full dotted name, for the message) and answers the value
 * to keep. `resolved` holds the keys of the same group checked before it, for a bound that
 * depends on another option (`maxDelay` ≥ `minDelay`).
 */
export type Check<T> = (value: unknown, option: string, resolved?: Record<string, unknown>) => T;

/** Per key of `T`: the default used when the key is missing or `undefined`, and its check. */
export type Schema<T> = {
  readonly [K in keyof T]-?: readonly [fallback: unknown, check: Check<T[K]>];
};

export function fail(option: string, problem: string, value?: unknown): never {
  const shown = value === undefined ? '' : ` (got ${describeValue(value)})`;
  throw new InvalidOptionError(`tabsocket: option "${option}" ${problem}${shown}`);
}

/** What a message shows of a bad value: scalars as they are, anything else by its kind only. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown, option: string): Record<string, unknown> {
  if (!isRecord(value)) fail(option, 'must be an object', value);
  return value;
}

/**
 * Checks each key of `schema` in order, its default standing in for a missing or `undefined`
 * value. `prefix` goes before each key in messages: `'reconnect.'`, or `''` at the top.
 * Keys of `input` that `schema` does not know are left alone: `strictGroup` refuses them.
 */
export function resolveGroup<T>(
  schema: Schema<T>,
  input: unknown,
  option: string,
  prefix = `${option}.`,
): T {
  const given = record(input, option);
  const resolved: Record<string, unknown> = {};
  for (const [key, [fallback, check]] of Object.entries<readonly [unknown, Check<unknown>]>(
    schema,
  )) {
    const value = given[key];
    resolved[key] = check(value === undefined ? fallback : value, prefix + key, resolved);
  }
  return resolved as T;
}

/** Refuses a key that is not in `known`: most likely a typo, which would silently do nothing. */
export function rejectUnknownKeys(value: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(prefix + key, 'is not an option');
  }
}

/** The check of a nested group of options: `resolveGroup` on its schema. */
export function group<T>(schema: Schema<T>): Check<T> {
  return (value, option) => resolveGroup(schema, value, option);
}

/** `group`, refusing a key the schema does not know. */
export function strictGroup<T>(schema: Schema<T>): Check<T> {
  return (value, option) => {
    rejectUnknownKeys(record(value, option), Object.keys(schema), `${option}.`);
    return resolveGroup(schema, value, option);
  };
}

/** `false` turns a feature off (`heartbeat: false`); any other value goes to `check`. */
export function falseOr<T>(check: Check<T>): Check<T | false> {
  return (value, option, resolved) => (value === false ? false : check(value, option, resolved));
}

/**
 * A number from `min` to `max`: an integer (`max` itself may be `Infinity`, which is then
 * allowed: "no limit"), or with `whole` false any finite number. `unit` ends the message.
 */
export function numberIn(min: number, max: number, whole = true, unit = ''): Check<number> {
  return (value, option) => {
    const isKind = whole ? Number.isInteger(value) || value === max : Number.isFinite(value);
    if (!isKind || (value as number) < min || (value as number) > max) {
      const range = max >= Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
      fail(option, `must be ${whole ? 'an integer' : 'a finite number'} ${range}${unit}`, value);
    }
    return value as number;
  };
}

/** A count of things, or bytes: an integer of at least `min`. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return numberIn(min, max);
}

/**
 * A duration in whole milliseconds, at least `min`. Every duration ends up as a timer, and
 * timers take whole milliseconds up to `MAX_TIMER_DELAY` (beyond it a browser or Node fires
 * at once), so that is the bound of every duration option, in the tab, worker and server.
 */
export function duration(min: number): Check<number> {
  return numberIn(min, MAX_TIMER_DELAY, true, ' ms');
}

export const nonEmptyString: Check<string> = (value, option) => {
  if (typeof value !== 'string' || value === '') fail(option, 'must be a non-empty string', value);
  return value;
};

export function oneOf<T extends string>(...allowed: T[]): Check<T> {
  return (value, option) => {
    if (!allowed.includes(value as T)) fail(option, `must be one of ${allowed.join(', ')}`, value);
    return value as T;
  };
}

/**
 * A heartbeat frame (see heartbeat-frame.ts), the same for the worker that sends and matches
 * it and the server that answers it. Object fields must survive JSON: `NaN` and `Infinity`
 * would go out as `null` and a pattern holding them never matches.
 */
export const heartbeatFrame: Check<HeartbeatFrame> = (value, option) => {
  if (typeof value === 'string' && value !== '') return value;
  const fields = isRecord(value) ? Object.values(value) : [];
  if (fields.length === 0 || !fields.every(isJsonScalar)) {
    fail(
      option,
      'must be a non-empty string or an object of string, finite number, boolean or null fields',
      value,
    );
  }
  return { ...(value as Record<string, string | number | boolean | null>) };
};

function isJsonScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    Number.isFinite(value)
  );
}

/** The heartbeat frames both ends default to: the worker pings `'ping'`, the server answers `'pong'`. */
export const HEARTBEAT_FRAMES_SCHEMA: Schema<{ ping: HeartbeatFrame; pong: HeartbeatFrame }> = {
  ping: ['ping', heartbeatFrame],
  pong: ['pong', heartbeatFrame],
};

/**
 * The field of a JSON frame that names its topic. `$ts` is refused: it is the field that
 * marks the protocol's control frames (wire.ts), so a topic there would make an application
 * frame look like one.
 */
export const TOPIC_KEY_SCHEMA: Schema<{ topicKey: string }>['topicKey'] = [
  'topic',
  (value, option) => {
    if (nonEmptyString(value, option) === '$ts') {
      fail(option, 'must not be "$ts", the field of control frames', value);
    }
    return value as string;
  },
];
