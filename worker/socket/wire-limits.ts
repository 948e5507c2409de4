import type { LimitOptions } from '../../protocol/connection-options';
import { TooLargeError } from '../../protocol/errors';
import type { InterestUpdate, SocketData } from '../../protocol/tab-hub';
import type { WireLimits } from '../../protocol/wire';

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

export function byteSize(data: Exclude<SocketData, string>): number {
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

/** One tab's topics on a connection, and the union of its tabs' (topic → how many want it). */
export interface UnionView {
  held: ReadonlySet<string>;
  union: ReadonlyMap<string, number>;
}

/**
 * What the hub applies of one tab's update (the whole interest, or a diff): the topics the
 * server takes. Of the topics the tab does not hold yet, one over `maxTopicLength` goes, and
 * so do those new to the union past `maxTopics` once the update's removals are counted (the
 * update's last ones); a topic another tab has costs no room. It takes the time of the
 * update's size (the whole interest: also of the topics the tab held). `refused` tells the
 * tab (and only it) what went.
 */
export function fitInterest(
  update: InterestUpdate,
  { held, union }: UnionView,
  limits: Limits,
): { update: InterestUpdate; refused?: TooLargeError; refusedTopics?: string[] } {
  const added = 'topics' in update ? update.topics : update.add;
  let size = union.size - leavingUnion(update, held, union);
  const entered = new Set<string>();
  const tooLong = new Set<string>();
  const pastMax = new Set<string>();
  for (const topic of added) {
    if (held.has(topic) || entered.has(topic)) continue;
    if (topic.length > limits.maxTopicLength) tooLong.add(topic);
    else if (union.has(topic)) continue;
    else if (size >= limits.maxTopics) pastMax.add(topic);
    else {
      entered.add(topic);
      size += 1;
    }
  }
  if (tooLong.size + pastMax.size === 0) return { update };
  const kept = added.filter((topic) => !tooLong.has(topic) && !pastMax.has(topic));
  return {
    update:
      'topics' in update
        ? { all: update.all, topics: kept }
        : { all: update.all, add: kept, remove: update.remove },
    refused: new TooLargeError(
      `tabsocket: ${tooLong.size + pastMax.size} topics were refused: ${tooLong.size} over the server's maxTopicLength (${limits.maxTopicLength}), ${pastMax.size} past its maxTopics (${limits.maxTopics}); their listeners get nothing`,
    ),
    refusedTopics: [...tooLong, ...pastMax],
  };
}

/** How many topics leave the union with `update`: the tab's own, that no other tab wants. */
function leavingUnion(
  update: InterestUpdate,
  held: ReadonlySet<string>,
  union: ReadonlyMap<string, number>,
): number {
  const leaving = (topic: string) => held.has(topic) && union.get(topic) === 1;
  if ('topics' in update) {
    const next = new Set(update.topics);
    let count = 0;
    for (const topic of held) if (!next.has(topic) && leaving(topic)) count += 1;
    return count;
  }
  return new Set(update.remove.filter(leaving)).size;
}
