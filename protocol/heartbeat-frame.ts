/**
 * Heartbeat frames as plain data, shared by the worker and the reference server, so one
 * shape of option talks to any server: `'ping'`/`'pong'`, `'HeartBeat'` echoed back, or
 * `{ type: 'ping' }` answered by `{ type: 'pong' }`.
 */

/** A frame sent as is (string) or as JSON (object), and matched the same way. */
export type HeartbeatFrame =
  | string
  | { readonly [field: string]: string | number | boolean | null };

/** The text to put on the wire for `frame`. */
export function encodeHeartbeatFrame(frame: HeartbeatFrame): string {
  return typeof frame === 'string' ? frame : JSON.stringify(frame);
}

/**
 * Whether an inbound text frame is `pattern`: a string pattern must equal the text; an object
 * pattern matches a JSON object that has each of its fields with the same value (other fields
 * are allowed, so `{ type: 'pong' }` matches `{ "type": "pong", "ts": 1700000000 }`).
 * `parsed` is the frame's JSON value when the caller has already parsed it.
 */
export function matchesHeartbeatFrame(
  pattern: HeartbeatFrame,
  text: string,
  parsed?: unknown,
): boolean {
  if (typeof pattern === 'string') return text === pattern;
  const value = parsed === undefined ? parseJson(text) : parsed;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(pattern)) {
    if (fields[key] !== pattern[key]) return false;
  }
  return true;
}

/** JSON.parse that answers `undefined` for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
