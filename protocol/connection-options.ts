import { InvalidOptionError } from './errors';
import type { HeartbeatFrame } from './heartbeat-frame';

/** Keep-alive: a ping every `interval` ms; no frame at all within `interval + timeout` ms means dead. */
export interface HeartbeatOptions {
  /** Milliseconds between pings. Keep it below the shortest idle cut on the way (nginx: 60 s). Default 25000. */
  interval?: number;
  /** Milliseconds to wait, after a ping is due, for any frame before the socket counts as dead. Default 10000. */
  timeout?: number;
  /** What to send: a string as is, an object as JSON. Default `'ping'`. */
  ping?: HeartbeatFrame;
  /** What the server answers: a string to equal, or an object whose fields the JSON frame must have. Never delivered to tabs. Default `'pong'`. */
  pong?: HeartbeatFrame;
}

/** Close codes that mean "don't retry": single codes or inclusive `[low, high]` ranges. */
export type CloseCodeList = ReadonlyArray<number | readonly [number, number]>;

export interface ReconnectOptions {
  /** Delay before the first retry, in ms (before jitter). Default 1000. */
  minDelay?: number;
  /** Cap of the delay, in ms. Default 30000. */
  maxDelay?: number;
  /** Growth of the delay per failed attempt. Default 2. */
  factor?: number;
  /** Share of the delay that is random: 1 is full jitter (uniform in [0, delay]), 0 none. Default 1. */
  jitter?: number;
  /** Failed attempts in a row before the state becomes `failed`. Default `Infinity`. */
  maxAttempts?: number;
  /** The attempt count resets only after a socket stayed open this long, in ms. Default 5000. */
  minUptime?: number;
  /** Close codes after which the state becomes `failed` instead of retrying. Default `[1008, [4400, 4499]]`. */
  stopOn?: CloseCodeList;
}

/** Options that reach the worker: plain data, they cross by structured clone. */
export interface ConnectionOptions {
  /** `ws:`/`wss:` url (`http:`/`https:` and paths relative to the page are turned into one). Required. */
  url: string;
  /** The connection's key: tabs that connect with the same name share one socket. Default `'default'`. */
  name?: string;
  /** WebSocket subprotocols. Default none. */
  protocols?: string | readonly string[];
  /** `'json'`: text frames are parsed and delivered as values; `'text'`: delivered as strings. Default `'json'`. */
  format?: 'json' | 'text';
  /** Keep-alive settings, or `false` for none. */
  heartbeat?: HeartbeatOptions | false;
  reconnect?: ReconnectOptions;
  /** A handshake that has not completed after this many ms is abandoned. Default 10000. */
  connectTimeout?: number;
  /** Most messages queued while not open; one more rejects with `OutboxFullError`. Default 1000. */
  outboxLimit?: number;
  /** Field of a JSON frame that names its topic, for `subscribe()`. Default `'topic'`. */
  topicKey?: string;
  /** How long the socket outlives the last tab that leaves, in ms: a reload must not reconnect. Default 5000. */
  gracePeriod?: number;
}

export interface ResolvedConnectionOptions {
  url: string;
  name: string;
  protocols: string[];
  format: 'json' | 'text';
  heartbeat: Required<HeartbeatOptions> | false;
  reconnect: Required<ReconnectOptions>;
  connectTimeout: number;
  outboxLimit: number;
  topicKey: string;
  gracePeriod: number;
}

export const DEFAULT_HEARTBEAT: Required<HeartbeatOptions> = {
  interval: 25_000,
  timeout: 10_000,
  ping: 'ping',
  pong: 'pong',
};

export const DEFAULT_RECONNECT: Required<ReconnectOptions> = {
  minDelay: 1_000,
  maxDelay: 30_000,
  factor: 2,
  jitter: 1,
  maxAttempts: Number.POSITIVE_INFINITY,
  minUptime: 5_000,
  stopOn: [1008, [4400, 4499]],
};

const TOP_LEVEL_KEYS = [
  'url',
  'name',
  'protocols',
  'format',
  'heartbeat',
  'reconnect',
  'connectTimeout',
  'outboxLimit',
  'topicKey',
  'gracePeriod',
] as const;

/**
 * Checks `input` and fills in the defaults. Throws `InvalidOptionError` naming the option
 * for an unknown key, a wrong type or a value out of range, so that nothing invalid ever
 * reaches the worker. `extraKeys` are keys the caller handles itself (the client's `worker`).
 */
export function resolveOptions(
  input: ConnectionOptions,
  baseUrl?: string,
  extraKeys: readonly string[] = [],
): ResolvedConnectionOptions {
  const options = record(input, 'options');
  rejectUnknownKeys(options, [...TOP_LEVEL_KEYS, ...extraKeys], '');
  return {
    url: webSocketUrl(options.url, baseUrl),
    name: nonEmptyString(options.name ?? 'default', 'name'),
    protocols: protocolList(options.protocols),
    format: oneOf(options.format ?? 'json', ['json', 'text'] as const, 'format'),
    heartbeat: options.heartbeat === false ? false : resolveHeartbeat(options.heartbeat),
    reconnect: resolveReconnect(options.reconnect),
    connectTimeout: duration(options.connectTimeout ?? 10_000, 'connectTimeout', 1),
    outboxLimit: count(options.outboxLimit ?? 1_000, 'outboxLimit', 0),
    topicKey: nonEmptyString(options.topicKey ?? 'topic', 'topicKey'),
    gracePeriod: duration(options.gracePeriod ?? 5_000, 'gracePeriod', 0),
  };
}

function resolveHeartbeat(input: unknown): Required<HeartbeatOptions> {
  const given = input === undefined ? {} : record(input, 'heartbeat');
  rejectUnknownKeys(given, Object.keys(DEFAULT_HEARTBEAT), 'heartbeat.');
  const merged = { ...DEFAULT_HEARTBEAT, ...definedOnly(given) };
  return {
    interval: duration(merged.interval, 'heartbeat.interval', 1),
    timeout: duration(merged.timeout, 'heartbeat.timeout', 1),
    ping: heartbeatFrame(merged.ping, 'heartbeat.ping'),
    pong: heartbeatFrame(merged.pong, 'heartbeat.pong'),
  };
}

function resolveReconnect(input: unknown): Required<ReconnectOptions> {
  const given = input === undefined ? {} : record(input, 'reconnect');
  rejectUnknownKeys(given, Object.keys(DEFAULT_RECONNECT), 'reconnect.');
  const merged = { ...DEFAULT_RECONNECT, ...definedOnly(given) };
  const minDelay = duration(merged.minDelay, 'reconnect.minDelay', 0);
  const maxDelay = duration(merged.maxDelay, 'reconnect.maxDelay', minDelay);
  const factor = finite(merged.factor, 'reconnect.factor');
  if (factor < 1) fail('reconnect.factor', 'must be at least 1', factor);
  const jitter = finite(merged.jitter, 'reconnect.jitter');
  if (jitter < 0 || jitter > 1) fail('reconnect.jitter', 'must be between 0 and 1', jitter);
  const maxAttempts = merged.maxAttempts;
  if (maxAttempts !== Number.POSITIVE_INFINITY) count(maxAttempts, 'reconnect.maxAttempts', 1);
  return {
    minDelay,
    maxDelay,
    factor,
    jitter,
    maxAttempts,
    minUptime: duration(merged.minUptime, 'reconnect.minUptime', 0),
    stopOn: closeCodeList(merged.stopOn),
  };
}

function webSocketUrl(value: unknown, baseUrl: string | undefined): string {
  if (typeof value !== 'string' || value === '') fail('url', 'must be a non-empty string', value);
  let url: URL;
  try {
    url = new URL(value, baseUrl);
  } catch {
    return fail('url', 'is not a valid URL', value);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    fail('url', 'must use ws:, wss:, http: or https:', value);
  }
  // A bare trailing '#' leaves `hash` empty but stays in `href`, and WebSocket refuses it too.
  if (url.hash !== '' || url.href.endsWith('#')) {
    fail('url', 'must not have a #fragment (WebSocket forbids it)', value);
  }
  return url.href;
}

function protocolList(value: unknown): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item !== '')) {
    fail('protocols', 'must be a non-empty string or an array of them', value);
  }
  if (new Set(list).size !== list.length) fail('protocols', 'must not repeat a protocol', value);
  return [...list];
}

function heartbeatFrame(value: unknown, option: string): HeartbeatFrame {
  if (typeof value === 'string' && value !== '') return value;
  const frame = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
  const fields = frame ? Object.values(frame) : [];
  if (!frame || fields.length === 0 || !fields.every(isJsonScalar)) {
    fail(
      option,
      'must be a non-empty string or an object of string, finite number, boolean or null fields',
      value,
    );
  }
  return { ...(frame as Record<string, string | number | boolean | null>) };
}

function isJsonScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    Number.isFinite(value)
  );
}

function closeCodeList(value: unknown): CloseCodeList {
  if (!Array.isArray(value)) fail('reconnect.stopOn', 'must be an array', value);
  return value.map((entry: unknown): number | readonly [number, number] => {
    if (isCloseCode(entry)) return entry;
    const [low, high] = Array.isArray(entry) && entry.length === 2 ? entry : [];
    if (isCloseCode(low) && isCloseCode(high) && low <= high) return [low, high];
    return fail(
      'reconnect.stopOn',
      'entries must be close codes (1000-4999) or [low, high] ranges',
      entry,
    );
  });
}

function isCloseCode(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1000 && (value as number) <= 4999;
}

function record(value: unknown, option: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(option, 'must be an object', value);
  }
  return value as Record<string, unknown>;
}

function rejectUnknownKeys(value: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`${prefix}${key}`, 'is not an option', undefined);
  }
}

/** `{ interval: undefined }` means "the default", as a missing key does at the top level. */
function definedOnly(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

function nonEmptyString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value === '') fail(option, 'must be a non-empty string', value);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], option: string): T {
  if (!allowed.includes(value as T)) fail(option, `must be one of ${allowed.join(', ')}`, value);
  return value as T;
}

function finite(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(option, 'must be a finite number', value);
  return value;
}

function duration(value: unknown, option: string, min: number): number {
  const ms = finite(value, option);
  if (ms < min) fail(option, `must be at least ${min} ms`, ms);
  return ms;
}

function count(value: unknown, option: string, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min) {
    fail(option, `must be an integer of at least ${min}`, value);
  }
  return value as number;
}

function fail(option: string, problem: string, value: unknown): never {
  const shown = value === undefined ? '' : ` (got ${formatValue(value)})`;
  throw new InvalidOptionError(`tabsocket: option "${option}" ${problem}${shown}`);
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
