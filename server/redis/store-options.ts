import { duration, integer } from '../../protocol/option-checks';

/**
 * What the store needs of a client: node-redis's `sendCommand` (v5, from
 * `createClient()`), connected. One client, so that the commands of one session reach Redis
 * in the order they are made.
 */
export interface RedisCommandClient {
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>;
}

export interface RedisStoreOptions {
  /**
   * Put before every key, so that two apps (or two tests) can share one Redis. Default
   * `'tabsocket:'`. Without `{` or `}`: a session's keys carry a hash tag of their own.
   */
  prefix?: string;
  /** Give the same values as the server's `replay` option. */
  replay?: { maxCount?: number; maxAge?: number };
  /**
   * Milliseconds a session's state lives in Redis after it was last touched: by a resume,
   * a message, or the sweep of the server that holds the session (at most a quarter of
   * `maxAge` apart). Default twice `replay.maxAge`, so it outlives the server's own wait for
   * the worker, and a server that dies leaves nothing behind for long.
   */
  ttl?: number;
  /** A write nobody waits for failed (a session's anchors). Default: a process warning. */
  onError?: (error: unknown) => void;
}

/** The defaults of the server's `replay` option. */
const DEFAULT_MAX_COUNT = 1_000;
const DEFAULT_MAX_AGE = 120_000;

/** The options with their defaults, checked: a bad one throws an `InvalidOptionError`. */
export function storeSettings(options: RedisStoreOptions) {
  const prefix = options.prefix ?? 'tabsocket:';
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
    throw new TypeError('Invalid prefix: expected a string without { or }');
  }
  const maxCount = options.replay?.maxCount ?? DEFAULT_MAX_COUNT;
  const maxAge = options.replay?.maxAge ?? DEFAULT_MAX_AGE;
  const ttl = options.ttl ?? 2 * maxAge;
  integer(0)(maxCount, 'replay.maxCount');
  duration(1)(maxAge, 'replay.maxAge');
  duration(1)(ttl, 'ttl');
  return { prefix, maxCount, maxAge, ttl };
}
