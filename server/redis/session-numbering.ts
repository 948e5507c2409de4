import type { FanoutMessage } from '../stores';
import { concerns, type LoggedFanout } from './fanout-log';

/**
 * How a session's pushes are numbered on Redis without writing each fan-out per session:
 * a fan-out's number for a session follows from where the session's numbering stood at an
 * earlier fan-out (an anchor), whom its pushes were for since (its interests), the direct
 * pushes made to it alone (kept with their numbers), and the fan-outs made since, which
 * every server remembers in the same order. The server that holds the session counts in
 * memory; any other server that resumes it counts the same from the anchor.
 */

/** Whom a session's fan-outs are for, from the fan-out after `since` on. */
export interface Interest {
  readonly since: number;
  readonly user: string;
  readonly topics: readonly string[];
}

/**
 * Where a session's numbering stood: its pushes up to `head` are the fan-outs for it up to
 * fan-out `mark`, and its direct pushes numbered up to `head`.
 */
export interface Anchor {
  readonly head: number;
  readonly mark: number;
}

/** A push to the session alone, kept with its number and the last fan-out made before it. */
export interface DirectPush {
  readonly seq: number;
  readonly mark: number;
  readonly body: string;
  /** When it was made, in ms since the epoch. */
  readonly at: number;
}

/** One of the session's pushes, as numbered from an anchor. */
export interface NumberedPush {
  readonly seq: number;
  readonly body: string;
  readonly at: number;
  /** The last fan-out made up to it: with `seq`, an anchor at this push. */
  readonly mark: number;
}

/**
 * The session's pushes after `anchor`, numbered: `directs` in the order of their numbers (those
 * at or below the anchor's head are skipped), `fanouts` every fan-out after the anchor's
 * mark, in order. Undefined when they do not agree (a direct push is missing, or numbered
 * otherwise than counted) or an interest is not known: the session cannot be numbered.
 */
export function numberFrom(
  anchor: Anchor,
  interests: readonly Interest[],
  directs: readonly DirectPush[],
  fanouts: readonly LoggedFanout[],
  bodyOf: (message: FanoutMessage) => string,
): { head: number; pushes: NumberedPush[] } | undefined {
  let head = anchor.head;
  const pushes: NumberedPush[] = [];
  let next = directs.findIndex((direct) => direct.seq > head);
  if (next < 0) next = directs.length;
  // The direct pushes made after fan-out `mark` and before the next one.
  const takeDirects = (mark: number): boolean => {
    for (let direct = directs[next]; direct && direct.mark <= mark; direct = directs[++next]) {
      if (direct.seq !== head + 1) return false;
      head = direct.seq;
      pushes.push(direct);
    }
    return true;
  };
  let expected = anchor.mark + 1;
  for (const fanout of fanouts) {
    if (fanout.n !== expected++ || !takeDirects(fanout.n - 1)) return undefined;
    const interest = interestAt(interests, fanout.n);
    if (!interest) return undefined;
    const { message } = fanout;
    if (message.k === 'e' || !concerns(message, interest.user, interest.topics)) continue;
    head += 1;
    pushes.push({ seq: head, body: bodyOf(message), at: fanout.at, mark: fanout.n });
  }
  if (!takeDirects(Number.POSITIVE_INFINITY)) return undefined;
  return { head, pushes };
}

/** The interest fan-out `n` was made under; undefined when it is older than every one kept. */
export function interestAt(interests: readonly Interest[], n: number): Interest | undefined {
  let found: Interest | undefined;
  for (const interest of interests) {
    if (interest.since < n) found = interest;
  }
  return found;
}

/** The interests still needed by numbering from an anchor at `mark`, and any after it. */
export function interestsFrom(interests: readonly Interest[], mark: number): Interest[] {
  const current = interestAt(interests, mark + 1);
  return interests.filter((interest) => interest === current || interest.since > mark);
}

/**
 * `interests` with `change` from its fan-out on (never before the last one's); the same
 * array when it is the interest now. A change since which no fan-out was made replaces the
 * last one: that one counted none.
 */
export function withInterest(
  interests: readonly Interest[],
  change: Interest,
): readonly Interest[] {
  const current = interests.at(-1);
  if (!current) return [change];
  if (current.user === change.user && sameTopics(current.topics, change.topics)) return interests;
  const since = Math.max(change.since, current.since);
  const kept = current.since === since ? interests.slice(0, -1) : interests;
  return [...kept, { ...change, since }];
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((topic) => b.includes(topic));
}
