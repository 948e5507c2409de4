/**
 * A push's payload: what the app gives, encoded once into the body that every session it goes
 * to shares, and the push frame around that body. The stores keep payloads; the server
 * writes them.
 */

/**
 * A push's payload, as it goes inside `{"$ts":"push","seq":N,…}`: built once per push, and
 * shared by every session it goes to, so a broadcast to 2,000 sessions keeps one copy.
 */
export interface PushPayload {
  /** `"data":…` or `"text":…`, from `encodePayload`. */
  readonly body: string;
  /** UTF-8 bytes of the whole push frame around `body`, the largest `seq` assumed. */
  readonly bytes: number;
}

/** What the app may send: a string goes as is, anything else as JSON. */
export type PushData = string | number | boolean | null | object;

/** The text to put on the wire for `data`. */
export function encodePushData(data: PushData): string {
  if (typeof data === 'string') return data;
  const text: string | undefined = JSON.stringify(data);
  // JSON.stringify answers undefined, not an error, for functions and symbols.
  if (text === undefined) throw new TypeError(`Cannot send ${typeof data}: not JSON`);
  return text;
}

/**
 * The text published to `topic`. The client routes a frame to the tabs of a topic by its
 * `topicKey` field, so an object gets that field, placed first and winning over one of its
 * own; other data cannot carry a topic and goes as is.
 */
export function encodeTopicFrame(topicKey: string, topic: string, data: PushData): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return encodePushData(data);
  return encodePushData(Object.assign({ [topicKey]: topic }, data, { [topicKey]: topic }));
}

/**
 * The payload part of a push frame, encoded once however many sessions it goes to: a string
 * as `text`, exactly as sent, anything else as `data`.
 */
export function encodePayload(data: PushData): string {
  return typeof data === 'string'
    ? `"text":${JSON.stringify(data)}`
    : `"data":${encodePushData(data)}`;
}

/** The payload of a topic publish: an object gets the topic field, as `encodeTopicFrame`. */
export function encodeTopicPayload(topicKey: string, topic: string, data: PushData): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return encodePayload(data);
  return `"data":${encodeTopicFrame(topicKey, topic, data)}`;
}

/** Push `seq` of a session's stream, around a payload from `encodePayload`. */
export function encodePushFrame(seq: number, payload: string): string {
  return `{"$ts":"push","seq":${seq},${payload}}`;
}

/** `{"$ts":"push","seq":` + the longest safe integer + `,` + `}`. */
const PUSH_FRAME_OVERHEAD =
  '{"$ts":"push","seq":'.length + String(Number.MAX_SAFE_INTEGER).length + 2;

/** A payload from `encodePayload` with the size of its push frame, built once per push. */
export function pushPayload(body: string): PushPayload {
  return { body, bytes: Buffer.byteLength(body) + PUSH_FRAME_OVERHEAD };
}
