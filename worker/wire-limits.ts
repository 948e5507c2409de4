import type { LimitOptions } from '../protocol/connection-options';
import { TooLargeError } from '../protocol/errors';
import type { Interest, SocketData } from '../protocol/tab-hub';
import type { WireLimits } from '../protocol/wire';

export type Limits = Required<LimitOptions>;

/**
 * The limits a socket works under: the `limits` option, each overridden by what the
 * server's hello said (the server is the one that refuses). A field of hello that is not a
 * positive safe integer is not taken.
 */
export function limitsFromHello(options: Limits, said: unknown): Limits {
  if (typeof said !== 'object' || said === null) return options;
  const given = said as Record<keyof WireLimits, unknown>;
  return {
    maxPayload: positiveOr(given.maxPayload, options.maxPayload),
    maxTopics: positiveOr(given.maxTopics, options.maxTopics),
    maxTopicLength: positiveOr(given.maxTopicLength, options.maxTopicLength),
  };
}

function positiveOr(value: unknown, fallback: number): number {
  return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : fallback;
}

/** Bytes of `text` in UTF-8, as the socket writes it (a lone surrogate becomes U+FFFD: 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      // A pair: 2 code units, 4 bytes.
      bytes += 2;
      index += 1;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Bytes of `data` as one frame: text in UTF-8, binary by its length. Counting a string costs
 * a pass over it only when its length leaves the answer open: a character takes 1 to 3 bytes.
 */
export function fitsPayload(data: SocketData, maxPayload: number): boolean {
  if (typeof data !== 'string') return byteSize(data) <= maxPayload;
  if (data.length * 3 <= maxPayload) return true;
  return data.length <= maxPayload && utf8Length(data) <= maxPayload;
}

function byteSize(data: Exclude<SocketData, string>): number {
  return data instanceof Blob ? data.size : data.byteLength;
}

export function tooLargeMessage(maxPayload: number): TooLargeError {
  return new TooLargeError(
    `tabsocket: the message is over the server's maxPayload of ${maxPayload} bytes as written (UTF-8, its frame included): it was not sent`,
  );
}

/**
 * The topics the server takes, of `topics` (sorted, without repeats): those no longer than
 * `maxTopicLength`, and of those the first `maxTopics`. Whoever added the others was told
 * already (the hub refuses them per tab); this keeps a `sub` the server would refuse off the
 * wire whatever happened (a relay peer's topics, limits lowered by a later hello).
 */
export function topicsWithin(topics: readonly string[], limits: Limits): string[] {
  const fitting = topics.filter((topic) => topic.length <= limits.maxTopicLength);
  return fitting.length > limits.maxTopics ? fitting.slice(0, limits.maxTopics) : fitting;
}

/**
 * What the hub keeps of one tab's interest: its topics the server takes, given the topics
 * of the connection's other tabs. A topic over `maxTopicLength` goes, and so do the tab's
 * newest topics that no other tab has, as many as would take the union past `maxTopics`.
 * `refused` tells the tab (and only it) what went.
 */
export function fitInterest(
  interest: Interest,
  othersTopics: ReadonlySet<string>,
  limits: Limits,
): { interest: Interest; refused?: TooLargeError } {
  const short = interest.topics.filter((topic) => topic.length <= limits.maxTopicLength);
  const own = short.filter((topic) => !othersTopics.has(topic));
  const excess = Math.min(othersTopics.size + own.length - limits.maxTopics, own.length);
  const left = excess > 0 ? new Set(own.slice(own.length - excess)) : undefined;
  const topics = left ? short.filter((topic) => !left.has(topic)) : short;
  const dropped = interest.topics.length - topics.length;
  if (dropped === 0) return { interest };
  const longest = interest.topics.length - short.length;
  return {
    interest: { all: interest.all, topics },
    refused: new TooLargeError(
      `tabsocket: ${dropped} topics were refused: ${longest} over the server's maxTopicLength (${limits.maxTopicLength}), ${dropped - longest} past its maxTopics (${limits.maxTopics}); their listeners get nothing`,
    ),
  };
}
