import type { HeartbeatFrame } from './heartbeat-frame';
import {
  duration,
  fail,
  falseOr,
  HEARTBEAT_FRAMES_SCHEMA,
  integer,
  nonEmptyString,
  numberIn,
  oneOf,
  record,
  rejectUnknownKeys,
  resolveGroup,
  type Schema,
  strictGroup,
  TOPIC_KEY_SCHEMA,
} from './option-checks';

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
  /**
   * With a `url` function only: close codes that mean "the credentials in the url expired".
   * The connection asks for a fresh url and retries once at once, before the code counts
   * for `stopOn`. Default `[4401]`.
   */
  refreshOn?: CloseCodeList;
}

/**
 * Gives the url of the next connect attempt: for a token that expires. Runs in the tab, and
 * is called by the worker before every attempt; a relative or `http(s):` url is made a
 * `ws(s):` one against the page, as a fixed `url` is.
 */
export type UrlProvider = () => string | Promise<string>;

/**
 * What a url function becomes in the options that reach the worker (functions do not cross):
 * the worker then asks a tab's function before each attempt. All such logins of a name are
 * one login: the name is the identity, the url a tab gives never changes it.
 */
export const URL_PROVIDED = 'tabsocket:url-provided';

/**
 * How the worker reaches the server: a WebSocket, or the HTTP stream (Server-Sent Events
 * down, POSTs up, on the same url) of a server that serves one, as the reference server does.
 */
export type Transport = 'websocket' | 'sse';

/** Options that reach the worker: plain data, they cross by structured clone (a `url` function stays in the tab). */
export interface ConnectionOptions {
  /**
   * `ws:`/`wss:` url (`http:`/`https:` and paths relative to the page are turned into one),
   * or a function giving one, asked again before every connect attempt. Required.
   */
  url: string | UrlProvider;
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
  /**
   * Most messages held: waiting for the socket, or written and not yet acknowledged; one
   * more rejects with `OutboxFullError`. At least 1. Default 1000.
   */
  outboxLimit?: number;
  /** Field of a JSON frame that names its topic, for `subscribe()`. Default `'topic'`. */
  topicKey?: string;
  /** How long the socket outlives the last tab that leaves, in ms: a reload must not reconnect. Default 5000. */
  gracePeriod?: number;
  /** What the server takes; a server that says its limits in `hello` overrides each it says. */
  limits?: LimitOptions;
  /**
   * `['websocket', 'sse']`: a WebSocket, and the HTTP stream where WebSocket is blocked
   * (after 3 attempts in a row that never opened), going back once a WebSocket opens again;
   * `['websocket']`: never the stream; `['sse']`: the stream only. Default
   * `['websocket', 'sse']`. See docs/transports.md.
   */
  transports?: readonly Transport[];
  /**
   * On the stream, the milliseconds before a WebSocket is tried beside it, doubled after each
   * one that does not open, up to 8 times this. Default 30000.
   */
  probeDelay?: number;
}

/**
 * What the server takes. A send or a topic over them is refused at once with
 * `TooLargeError`, never sent: the server would refuse it (a frame over `maxPayload` closes
 * the socket with 1009). The defaults are the reference server's.
 */
export interface LimitOptions {
  /** Largest frame in bytes, as written: UTF-8 text (inside its `msg` frame for a tabsocket server), or binary. Default 1048576. */
  maxPayload?: number;
  /** Most topics subscribed at once on the connection, by all tabs together. Default 1024. */
  maxTopics?: number;
  /** Longest topic, in characters (`length`). Default 256. */
  maxTopicLength?: number;
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
  limits: Required<LimitOptions>;
  transports: Transport[];
  probeDelay: number;
}

/** The reference server's limits, which a plain server is assumed to share. */
export const DEFAULT_LIMITS: Required<LimitOptions> = {
  maxPayload: 1024 * 1024,
  maxTopics: 1_024,
  maxTopicLength: 256,
};

const LIMITS_SCHEMA: Schema<Required<LimitOptions>> = {
  maxPayload: [DEFAULT_LIMITS.maxPayload, integer(1)],
  maxTopics: [DEFAULT_LIMITS.maxTopics, integer(1)],
  maxTopicLength: [DEFAULT_LIMITS.maxTopicLength, integer(1)],
};

const HEARTBEAT_SCHEMA: Schema<Required<HeartbeatOptions>> = {
  interval: [25_000, duration(1)],
  timeout: [10_000, duration(1)],
  ...HEARTBEAT_FRAMES_SCHEMA,
};

const RECONNECT_SCHEMA: Schema<Required<ReconnectOptions>> = {
  minDelay: [1_000, duration(0)],
  maxDelay: [
    30_000,
    // Checked after minDelay (the schema's order), so `resolved` holds it already.
    (value, option, resolved) => duration(resolved?.minDelay as number)(value, option),
  ],
  factor: [2, numberIn(1, Number.POSITIVE_INFINITY, false)],
  jitter: [1, numberIn(0, 1, false)],
  maxAttempts: [Number.POSITIVE_INFINITY, integer(1, Number.POSITIVE_INFINITY)],
  minUptime: [5_000, duration(0)],
  stopOn: [[1008, [4400, 4499]], closeCodeList],
  refreshOn: [[4401], closeCodeList],
};

/** Every option but `url`, whose check needs the page's address. */
const OPTIONS_SCHEMA: Omit<Schema<ResolvedConnectionOptions>, 'url'> = {
  name: ['default', nonEmptyString],
  protocols: [[], protocolList],
  format: ['json', oneOf('json', 'text')],
  heartbeat: [{}, falseOr(strictGroup(HEARTBEAT_SCHEMA))],
  reconnect: [{}, strictGroup(RECONNECT_SCHEMA)],
  connectTimeout: [10_000, duration(1)],
  // 0 would refuse every send, even while open: each one is held until written (and acked).
  outboxLimit: [1_000, integer(1)],
  topicKey: TOPIC_KEY_SCHEMA,
  gracePeriod: [5_000, duration(0)],
  limits: [{}, strictGroup(LIMITS_SCHEMA)],
  transports: [['websocket', 'sse'], transportList],
  probeDelay: [30_000, duration(1)],
};

/**
 * Checks `input` and fills in the defaults. Throws `InvalidOptionError` naming the option
 * for an unknown key, a wrong type or a value out of range, so that nothing invalid ever
 * reaches the worker. `extraKeys` are keys the caller handles itself (the client's `worker`).
 * The worker runs it again on what a tab sends, which is why resolved options pass it as
 * they are.
 */
export function resolveOptions(
  input: ConnectionOptions,
  baseUrl?: string,
  extraKeys: readonly string[] = [],
): ResolvedConnectionOptions {
  const schema: Schema<ResolvedConnectionOptions> = {
    url: [
      undefined,
      (value, option) =>
        typeof value === 'function' || value === URL_PROVIDED
          ? URL_PROVIDED
          : webSocketUrl(value, option, baseUrl),
    ],
    ...OPTIONS_SCHEMA,
  };
  rejectUnknownKeys(record(input, 'options'), [...Object.keys(schema), ...extraKeys], '');
  return resolveGroup(schema, input, 'options', '');
}

/** Checks a url (the option, or what a url function gave) and makes it a `ws(s):` one. */
export function webSocketUrl(value: unknown, option: string, baseUrl: string | undefined): string {
  const text = nonEmptyString(value, option);
  let url: URL;
  try {
    url = new URL(text, baseUrl);
  } catch {
    return fail(option, 'is not a valid URL', value);
  }
  url.protocol = url.protocol.replace(/^http(s?):$/, 'ws$1:');
  if (!/^wss?:$/.test(url.protocol)) {
    fail(option, 'must use ws:, wss:, http: or https:', value);
  }
  // A bare trailing '#' leaves `hash` empty but stays in `href`, and WebSocket refuses it too.
  if (url.hash !== '' || url.href.endsWith('#')) {
    fail(option, 'must not have a #fragment (WebSocket forbids it)', value);
  }
  return url.href;
}

function protocolList(value: unknown, option: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item !== '')) {
    fail(option, 'must be a non-empty string or an array of them', value);
  }
  if (new Set(list).size !== list.length) fail(option, 'must not repeat a protocol', value);
  return [...list];
}

/** The three policies: the stream as a fallback, never, or only. */
const TRANSPORT_LISTS: readonly (readonly Transport[])[] = [
  ['websocket', 'sse'],
  ['websocket'],
  ['sse'],
];

function transportList(value: unknown, option: string): Transport[] {
  const given = Array.isArray(value) ? (value as unknown[]) : [];
  const list = TRANSPORT_LISTS.find(
    (allowed) => allowed.length === given.length && allowed.every((item, at) => given[at] === item),
  );
  return list
    ? [...list]
    : fail(option, "must be ['websocket', 'sse'], ['websocket'] or ['sse']", value);
}

function closeCodeList(value: unknown, option: string): CloseCodeList {
  if (!Array.isArray(value)) fail(option, 'must be an array', value);
  return value.map((entry: unknown): number | readonly [number, number] => {
    if (isCloseCode(entry)) return entry;
    const [low, high] = Array.isArray(entry) && entry.length === 2 ? entry : [];
    if (isCloseCode(low) && isCloseCode(high) && low <= high) return [low, high];
    return fail(option, 'entries must be close codes (1000-4999) or [low, high] ranges', entry);
  });
}

/** Whether `code` is in `list`, as one of its codes or within one of its ranges. */
export function matchesCloseCode(list: CloseCodeList, code: number): boolean {
  return list.some((entry) =>
    typeof entry === 'number' ? entry === code : code >= entry[0] && code <= entry[1],
  );
}

function isCloseCode(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1000 && (value as number) <= 4999;
}
